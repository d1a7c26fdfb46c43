// OpenTelemetry OTLP/HTTP protobuf trace exporter (@opentelemetry/exporter-trace-otlp-proto) to
// New Relic's OTLP endpoint, as an app backend instrumented by hand would send.
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { TracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { user, device, step } from "./_app.mjs";

const exporter = new OTLPTraceExporter({ url: "https://otlp.eu01.nr-data.net/v1/traces",
  headers: { "api-key": "eu01xx0123456789abcdef0123456789abcdNRAL" } });
const provider = new TracerProvider({
  resource: resourceFromAttributes({ "service.name": "azubiapp-api", "service.version": "3.4.1", "deployment.environment": "prod" }),
  spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 500 })],
});
const tracer = provider.getTracer("azubiapp");
await step("spans", async () => {
  const root = tracer.startSpan("POST /api/applications", { attributes: {
    "http.request.method": "POST", "url.path": "/api/applications", "enduser.id": user.id, "user.email": user.email,
    "client.address": "192.168.178.42", "user_agent.original": "AzubiApp/3.4.1 (Android 14; SM-A546B)",
    "app.job_id": "job_4471", "device.id": device.android_id } });
  const db = tracer.startSpan("INSERT applications", { attributes: { "db.system": "postgresql",
    "db.statement": `INSERT INTO applications (user_id, job_id, phone) VALUES ('${user.id}', 'job_4471', '${user.phone}')` } });
  db.end();
  root.addEvent("exception", { "exception.type": "TimeoutError", "exception.message": "mail relay timed out" });
  root.end();
});
await step("flush", () => provider.forceFlush());
await step("shutdown", () => provider.shutdown());
