// Grafana Faro Web SDK (@grafana/faro-web-sdk), US collector, with session attributes and a console error.
import { initializeFaro, getWebInstrumentations } from "@grafana/faro-web-sdk";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(9000);
let faro;
await step("init", () => {
  faro = initializeFaro({ url: "https://faro-collector-prod-us-east-0.grafana.net/collect/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    app: { name: "azubiapp-webview", version: "3.4.2", environment: "production" },
    instrumentations: getWebInstrumentations({ captureConsole: true }), batching: { sendTimeout: 800 },
    sessionTracking: { session: { attributes: { device_id: device.android_id, plan: "free" } } } });
});
await step("user", () => faro.api.setUser({ id: user.id, fullName: `${user.first_name} ${user.last_name}` }));
await step("view", () => faro.api.setView({ name: "Chat" }));
await step("event", () => faro.api.pushEvent("message_sent", { thread: "thr_8812", length: "58" }));
await step("console error", () => console.error(`upload failed for ${user.email}: NetworkError`));
await sleep(2500);
log("done");
