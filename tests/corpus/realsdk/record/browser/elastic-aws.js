// Elastic APM RUM (@elastic/apm-rum) to an Elastic Cloud deployment on AWS, with a custom transaction and labels.
import { init as initApm } from "@elastic/apm-rum";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(9000);
let apm;
await step("init", () => {
  apm = initApm({ serviceName: "azubiapp-webview", serverUrl: "https://7d3f9a2c1b.apm.us-east-1.aws.cloud.es.io",
    serviceVersion: "3.4.2", environment: "production", flushInterval: 500, centralConfig: false });
});
await step("context", () => { apm.setUserContext({ id: user.id, email: user.email }); apm.addLabels({ device_model: device.model, plan: "free" }); });
await step("transaction", async () => {
  const tr = apm.startTransaction("checkout premium_year", "custom", { managed: true });
  await sleep(200);
  tr.addLabels({ order_id: "order_90377", revenue: 9.99 });
  tr.end();
});
await sleep(2500);
log("done");
