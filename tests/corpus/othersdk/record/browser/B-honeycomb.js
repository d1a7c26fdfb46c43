// Honeycomb's OpenTelemetry web distribution (@honeycombio/opentelemetry-web), EU: document load
// and fetch instrumentation, a custom span with user attributes around an application.
import { HoneycombWebSDK } from "@honeycombio/opentelemetry-web";
import { trace } from "@opentelemetry/api";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(14000);
const sdk = new HoneycombWebSDK({ apiKey: "hcaik_01jx3mp9qr2ty7vz1ab4cd6ef8gh0jk2lm4np6qr8st0uv2wx4yz", serviceName: "azubiapp-webview",
  endpoint: "https://api.eu1.honeycomb.io", skipOptionsValidation: true, webVitalsInstrumentationConfig: { enabled: false },
  resourceAttributes: { "app.version": "3.4.1", "device.model.identifier": device.model } });
await step("start", () => sdk.start());
await step("span", async () => { const tracer = trace.getTracer("azubiapp");
  await tracer.startActiveSpan("submit-application", async (span) => {
    span.setAttributes({ "user.id": user.id, "user.email": user.email, "app.job_id": "job_4471", "app.company": "Bäckerei Krume", "app.city": user.city });
    await sleep(120); span.end(); }); });
await step("error span", async () => { const tracer = trace.getTracer("azubiapp");
  const span = tracer.startSpan("upload-cv"); span.recordException(new Error("Upload of Lebenslauf.pdf failed: 413"));
  span.setAttribute("user.id", user.id); span.end(); });
await step("flush", () => sdk.forceFlush ? sdk.forceFlush() : undefined);
await sleep(5000);
log("done");
