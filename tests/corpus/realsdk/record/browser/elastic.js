// Elastic APM Real User Monitoring agent (@elastic/apm-rum) to an Elastic Cloud APM server.
import { init as initApm } from "@elastic/apm-rum";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
let apm;
await step("init", () => {
  apm = initApm({ serviceName: "azubiapp-webview", serverUrl: "https://azubiapp-4f2c1e.apm.europe-west3.gcp.cloud.es.io",
    serviceVersion: "3.4.1", environment: "production", flushInterval: 500, centralConfig: false });
});
await step("context", () => {
  apm.setUserContext({ id: user.id, username: "lena_b", email: user.email });
  apm.setCustomContext({ advertising_id: device.advertising_id, city: user.city });
  apm.addLabels({ plan: "free" });
});
await step("transaction", async () => {
  const tr = apm.startTransaction("JobDetail", "route-change", { managed: true });
  const span = tr.startSpan("GET /api/jobs/4471", "external.http");
  await sleep(300);
  span.end();
  tr.end();
});
await step("error", () => apm.captureError(new Error(`Bewerbung fehlgeschlagen für ${user.email}`)));
await sleep(3000);
log("done");
