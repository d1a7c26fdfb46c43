// OpenTelemetry OTLP/HTTP protobuf trace exporter (@opentelemetry/exporter-trace-otlp-proto), held-out set h4, to
// Grafana Cloud's OTLP gateway (another region): a mobile backend-for-frontend forwarding the client's context —
// installation and device ids, the precise location of a nearby-jobs search, the network.
import { TracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { person, user, device, step } from "./_app.mjs";

const exporter = new OTLPTraceExporter({ url: "https://otlp-gateway-prod-eu-west-0.grafana.net/otlp/v1/traces",
  headers: { Authorization: "Basic " + Buffer.from("934567:glc_eyJvIjoiOTM0NTY3In0=").toString("base64") } });
const provider = new TracerProvider({
  resource: resourceFromAttributes({ "service.name": "azubiapp-bff", "service.version": "3.5.0" }),
  spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 300 })],
});
const tracer = provider.getTracer("azubiapp-bff");
await step("spans", async () => {
  const span = tracer.startSpan("GET /v2/jobs/nearby", { attributes: {
    "http.request.method": "GET", "url.path": "/v2/jobs/nearby",
    "geo.location.lat": person.location.latitude, "geo.location.lon": person.location.longitude, "app.search.radius_km": 5,
    "app.installation.id": "c1DMzXbrcUrKNIznvydu-O", "device.id": device.android_id, "device.manufacturer": device.manufacturer,
    "app.advertising_id": device.advertising_id, "network.connection.subtype": "lte", "network.carrier.mcc": "262", "network.carrier.mnc": "01" } });
  const child = tracer.startSpan("SELECT jobs WITHIN radius", { attributes: { "db.system": "postgresql",
    "db.query.text": "SELECT id FROM jobs WHERE ST_DWithin(geo, ST_MakePoint($1, $2), $3)" } });
  child.end();
  span.end();
});
await step("flush", () => provider.forceFlush());
await step("shutdown", () => provider.shutdown());
