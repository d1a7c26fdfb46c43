// Elastic APM RUM (@elastic/apm-rum), held-out set h4, to an Elastic Cloud deployment on Azure: an error with
// custom context and labels, a search transaction, the user context set after login.
import { init as initApm } from "@elastic/apm-rum";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(11000);
let apm;
await step("init", () => {
  apm = initApm({ serviceName: "azubiapp-webview", serverUrl: "https://azubiapp-9c1d.apm.westeurope.azure.elastic-cloud.com",
    serviceVersion: "3.5.0", environment: "production", flushInterval: 500, centralConfig: false });
});
await sleep(1500); // after the page-load transaction
await step("search transaction", async () => {
  const tr = apm.startTransaction("JobSearch", "route-change", { managed: true });
  tr.addLabels({ query: "Ausbildung Industriekauffrau", results: 22 });
  const span = tr.startSpan("GET /api/jobs/search", "external.http");
  await sleep(200);
  span.end();
  tr.end();
});
await step("login", () => apm.setUserContext({ id: user.id, email: user.email, username: `${user.first_name} ${user.last_name}` }));
await step("error with context", () => {
  apm.setCustomContext({ phone: user.phone, file: "Anschreiben.docx", form_step: "attachments" });
  apm.captureError(new Error("Bewerbung job_5120: Anhang konnte nicht gelesen werden"), { labels: { job_id: "job_5120", employer: "Kanzlei Richter & Sohn" } });
});
await sleep(3000);
log("done");
