// Grafana Faro Web SDK (@grafana/faro-web-sdk) to Grafana Cloud's collector.
import { initializeFaro, getWebInstrumentations } from "@grafana/faro-web-sdk";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
let faro;
await step("init", () => {
  faro = initializeFaro({
    url: "https://faro-collector-prod-eu-west-2.grafana.net/collect/4f1e2d3c4b5a69788796a5b4c3d2e1f0",
    app: { name: "azubiapp-webview", version: "3.4.1", environment: "production" },
    instrumentations: getWebInstrumentations({ captureConsole: true }),
    batching: { sendTimeout: 1000 },
  });
});
await step("user", () => faro.api.setUser({ id: user.id, email: user.email, username: "lena_b",
  attributes: { phone: user.phone, advertising_id: device.advertising_id } }));
await step("view", () => faro.api.setView({ name: "JobDetail" }));
await step("event", () => faro.api.pushEvent("application_submitted", { job_id: "job_4471", city: user.city }));
await step("error", () => faro.api.pushError(new Error("Upload of CV failed: 413 Payload Too Large")));
await step("log", () => faro.api.pushLog([`chat opened by ${user.email}`]));
await step("measurement", () => faro.api.pushMeasurement({ type: "form", values: { fill_ms: 42000 } }));
await sleep(3000);
log("done");
