// OpenTelemetry OTLP/HTTP protobuf log exporter (@opentelemetry/exporter-logs-otlp-proto), held-out set h4, to New
// Relic's US OTLP endpoint: log records with attributes of a search, a chat delivery and a failed login.
import { LoggerProvider, BatchLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { user, device, step } from "./_app.mjs";

const resource = resourceFromAttributes({ "service.name": "azubiapp-chat", "service.version": "3.5.0", "deployment.environment": "prod" });
await step("logs", async () => {
  const provider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({
    exporter: new OTLPLogExporter({ url: "https://otlp.nr-data.net/v1/logs", headers: { "api-key": "0123456789abcdef0123456789abcdefFFFFNRAL" } }), scheduledDelayMillis: 200 })] });
  const logger = provider.getLogger("azubiapp-chat");
  logger.emit({ severityText: "INFO", body: "search executed", attributes: { "app.search.query": "Ausbildung Kauffrau im Einzelhandel",
    "app.search.postcode": user.postcode, "app.search.results": 44, "enduser.id": user.id } });
  logger.emit({ severityText: "INFO", body: "chat message delivered", attributes: { "app.chat.thread": "thr_9034",
    "app.chat.text": "Ich hätte am Donnerstag ab 14 Uhr Zeit.", "app.chat.sender": user.email, "device.model.identifier": device.model } });
  logger.emit({ severityText: "WARN", body: `login failed for ${user.email}: wrong password (3rd attempt)`,
    attributes: { "client.address": "192.168.178.42", "network.carrier.name": device.carrier, "event.name": "auth.login_failed" } });
  await provider.forceFlush();
  await provider.shutdown();
});
