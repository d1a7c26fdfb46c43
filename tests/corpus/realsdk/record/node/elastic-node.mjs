// Elastic APM agent for Node.js (elastic-apm-node) from an app backend, to an Elastic Cloud APM server.
import apm from "elastic-apm-node";
import { user, device, step } from "./_app.mjs";

apm.start({ serviceName: "azubiapp-api", serviceVersion: "3.4.1", environment: "production",
  serverUrl: "https://azubiapp-4f2c1e.apm.europe-west3.gcp.cloud.es.io", secretToken: "Xk3mP9qR2tY7vZ1aB4cD",
  centralConfig: false, cloudProvider: "none", metricsInterval: "0s", captureExceptions: false, logLevel: "warn" });
await step("transaction", async () => {
  const tr = apm.startTransaction("POST /api/applications", "request");
  apm.setUserContext({ id: user.id, email: user.email, username: "lena_b" });
  apm.setCustomContext({ job_id: "job_4471", device_model: device.model });
  apm.setLabel("city", user.city);
  const span = apm.startSpan("INSERT INTO applications", "db", "postgresql", "query");
  await new Promise((resolve) => setTimeout(resolve, 50));
  span?.end();
  apm.captureError(new Error(`could not notify ${user.email}: SMTP 451`));
  tr.result = "HTTP 2xx";
  tr.end();
});
await step("flush", () => new Promise((resolve) => apm.flush(resolve)));
await new Promise((resolve) => setTimeout(resolve, 1500));
process.exit(0);
