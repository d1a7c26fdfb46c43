// Grafana Faro Web SDK (@grafana/faro-web-sdk), held-out set h4, another EU collector: errors and measurements with
// context, an event with attributes, a session with attributes, then logout (user reset).
import { initializeFaro, getWebInstrumentations } from "@grafana/faro-web-sdk";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(10000);
let faro;
await step("init", () => {
  faro = initializeFaro({ url: "https://faro-collector-prod-eu-west-0.grafana.net/collect/7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d",
    app: { name: "azubiapp-webview", version: "3.5.0", environment: "production" },
    instrumentations: getWebInstrumentations({ captureConsole: false }), batching: { sendTimeout: 800 } });
});
await step("user", () => faro.api.setUser({ id: user.id, email: user.email, attributes: { school: "OSZ Informations- und Medizintechnik" } }));
await step("view", () => faro.api.setView({ name: "JobSearch" }));
await step("event", () => faro.api.pushEvent("search_submitted", { query: "Ausbildung Mediengestalterin", near: user.postcode, results: "18" }));
await step("error", () => faro.api.pushError(new Error("Geocoding failed for Invalidenstraße 117"), {
  type: "GeocodeError", context: { postcode: user.postcode, provider: "nominatim", retry: "true" } }));
await step("measurement", () => faro.api.pushMeasurement({ type: "search_latency", values: { server_ms: 412, render_ms: 96 } },
  { context: { query_length: "28", connection: "wifi" } }));
await sleep(1500);
await step("logout", () => faro.api.resetUser());
await step("event 2", () => faro.api.pushEvent("logged_out"));
await sleep(1500);
log("done");
