// Grafana Faro with its tracing package (@grafana/faro-web-sdk + @grafana/faro-web-tracing): the app's
// own API call (first party) gets a traceparent header, and its span goes to Grafana Cloud.
import { initializeFaro, getWebInstrumentations } from "@grafana/faro-web-sdk";
import { TracingInstrumentation } from "@grafana/faro-web-tracing";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
let faro;
await step("init", () => {
  faro = initializeFaro({
    url: "https://faro-collector-prod-eu-west-2.grafana.net/collect/4f1e2d3c4b5a69788796a5b4c3d2e1f0",
    app: { name: "azubiapp-webview", version: "3.4.1", environment: "production" },
    instrumentations: [...getWebInstrumentations({ captureConsole: false }),
      new TracingInstrumentation({ instrumentationOptions: { propagateTraceHeaderCorsUrls: [/azubiapp\.de/] } })],
    batching: { sendTimeout: 1000 },
  });
});
await step("user", () => faro.api.setUser({ id: user.id, email: user.email }));
await step("first-party API", async () => {
  await fetch("https://api.azubiapp.de/v2/jobs/4471/applications", { method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhenViaS01ODIxMyJ9.c2lnbmF0dXJl" },
    body: JSON.stringify({ applicant: { name: `${user.first_name} ${user.last_name}`, email: user.email, phone: user.phone },
      message: "Sehr geehrte Damen und Herren, hiermit bewerbe ich mich um den Ausbildungsplatz.", device: device.model }) });
  await fetch(`https://api.azubiapp.de/v2/users/${user.id}/recommendations?city=${user.city}`);
});
await sleep(3000);
log("done");
