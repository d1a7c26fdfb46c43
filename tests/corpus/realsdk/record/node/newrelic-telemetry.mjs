// New Relic's Telemetry SDK for Node (@newrelic/telemetry-sdk): events, logs, spans and a metric
// from an app backend, to New Relic's EU endpoints.
import sdk from "@newrelic/telemetry-sdk";
import { user, device, step } from "./_app.mjs";

const { events, logs, spans, metrics } = sdk.telemetry;
const apiKey = "eu01xx0123456789abcdef0123456789abcdNRAL";
const send = (client, batch) => new Promise((resolve) => client.send(batch, (err) => {
  if (err) console.log("[sdk] send error", String(err));
  resolve();
}));
await step("event", () => send(new events.EventClient({ apiKey, host: "insights-collector.eu01.nr-data.net" }),
  new events.EventBatch({ app: "azubiapp" }, [new events.Event("ApplicationSubmitted",
    { userId: user.id, email: user.email, jobId: "job_4471", city: user.city, deviceModel: device.model })])));
await step("log", () => send(new logs.LogClient({ apiKey, host: "log-api.eu.newrelic.com" }),
  new logs.LogBatch([new logs.Log(`login ok for ${user.email} from 192.168.178.42`, Date.now(),
    { "enduser.id": user.id, level: "info" })], { service: "azubiapp-api" })));
await step("span", () => send(new spans.SpanClient({ apiKey, host: "trace-api.eu.newrelic.com" }),
  new spans.SpanBatch({ service: "azubiapp-api" }, [new spans.Span("5f2a9c1e7b3d4a60", "9d8c7b6a5f4e3d2c1b0a998877665544",
    Date.now(), "POST /api/applications", undefined, "azubiapp-api", 182, { "enduser.id": user.id, "http.status_code": 201 })])));
await step("metric", () => send(new metrics.MetricClient({ apiKey, host: "metric-api.eu.newrelic.com" }),
  new metrics.MetricBatch({ service: "azubiapp-api" }, Date.now(), 10000,
    [new metrics.GaugeMetric("applications.pending", 3, { city: user.city })])));
