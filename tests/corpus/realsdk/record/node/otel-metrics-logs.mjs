// OpenTelemetry OTLP/HTTP protobuf metric and log exporters (@opentelemetry/exporter-metrics-otlp-proto,
// @opentelemetry/exporter-logs-otlp-proto) to New Relic's OTLP endpoint.
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { LoggerProvider, BatchLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { user, device, step } from "./_app.mjs";

const headers = { "api-key": "eu01xx0123456789abcdef0123456789abcdNRAL" };
const resource = resourceFromAttributes({ "service.name": "azubiapp-api", "service.version": "3.4.1",
  "host.name": "api-7f9c", "deployment.environment": "prod" });
await step("metrics", async () => {
  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: "https://otlp.eu01.nr-data.net/v1/metrics", headers }), exportIntervalMillis: 60000 });
  const provider = new MeterProvider({ resource, readers: [reader] });
  const meter = provider.getMeter("azubiapp");
  meter.createCounter("applications.submitted").add(1, { "enduser.id": user.id, city: user.city, job: "job_4471" });
  meter.createHistogram("http.server.duration").record(182, { "http.route": "/api/applications", "device.model": device.model });
  await provider.forceFlush();
  await provider.shutdown();
});
await step("logs", async () => {
  const provider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({
    exporter: new OTLPLogExporter({ url: "https://otlp.eu01.nr-data.net/v1/logs", headers }), scheduledDelayMillis: 200 })] });
  const logger = provider.getLogger("azubiapp");
  logger.emit({ severityText: "INFO", body: `application job_4471 submitted by ${user.email}`,
    attributes: { "enduser.id": user.id, "client.address": "192.168.178.42", "user_agent.original": "AzubiApp/3.4.1 (Android 14; SM-A546B)" } });
  logger.emit({ severityText: "ERROR", body: "mail relay timed out after 30000 ms",
    attributes: { "exception.type": "TimeoutError", "exception.stacktrace": "TimeoutError: mail relay timed out\n    at Relay.send (/srv/app/mail.js:41:11)" } });
  await provider.forceFlush();
  await provider.shutdown();
});
