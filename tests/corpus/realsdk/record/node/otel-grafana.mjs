// OpenTelemetry OTLP/HTTP protobuf trace exporter (@opentelemetry/exporter-trace-otlp-proto) to Grafana Cloud's OTLP gateway.
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { TracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { user, device, step } from "./_app.mjs";

const exporter = new OTLPTraceExporter({ url: "https://otlp-gateway-prod-eu-west-2.grafana.net/otlp/v1/traces",
  headers: { Authorization: "Basic " + Buffer.from("912345:glc_eyJvIjoiOTEyMzQ1In0=").toString("base64") } });
const provider = new TracerProvider({
  resource: resourceFromAttributes({ "service.name": "azubiapp-mobile-bff", "service.version": "3.4.2",
    "device.model.identifier": device.model, "os.type": "android", "os.version": device.os_version }),
  spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 300 })],
});
const tracer = provider.getTracer("azubiapp-bff");
await step("spans", async () => {
  const span = tracer.startSpan("GET /api/jobs/search", { attributes: { "http.request.method": "GET",
    "url.query": "q=Ausbildung%20Kfz-Mechatronik&near=52.52,13.40", "enduser.id": user.id, "session.id": "c306acf9-42cc-4655-8908-e26bf47d11e0",
    "network.connection.type": "wifi", "network.carrier.name": device.carrier } });
  span.addEvent("cache miss", { "cache.key": `search:${user.id}` });
  span.end();
});
await step("flush", () => provider.forceFlush());
await step("shutdown", () => provider.shutdown());
