// Sentry browser SDK (@sentry/browser) with tracing and session replay (both in the package):
// user context with sendDefaultPii, breadcrumbs, a handled exception during a job search, a
// message, and a form the user fills in while the replay records.
import * as Sentry from "@sentry/browser";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(16000);
document.getElementById("app").insertAdjacentHTML("beforeend",
  `<form id=f><label>E-Mail <input id=mail name=mail></label><textarea id=msg name=msg></textarea></form>`);
await step("init", () => Sentry.init({
  dsn: "https://5f3c2a1b9e8d4c7f6a5b4c3d2e1f0a9b@o4507223456789504.ingest.de.sentry.io/4507223456789601",
  release: "azubiapp@3.4.1", environment: "production", sendDefaultPii: true, tracesSampleRate: 1.0,
  replaysSessionSampleRate: 1.0, replaysOnErrorSampleRate: 1.0,
  integrations: [Sentry.browserTracingIntegration(), Sentry.replayIntegration({ maskAllText: false, maskAllInputs: false, blockAllMedia: false })] }));
await step("user", () => { Sentry.setUser({ id: user.id, email: user.email, username: `${user.first_name} ${user.last_name}`, ip_address: "{{auto}}" });
  Sentry.setTag("device_model", device.model); Sentry.setContext("location", { city: user.city, postcode: user.postcode }); });
await step("breadcrumbs", () => { Sentry.addBreadcrumb({ category: "navigation", message: "JobSearch -> JobDetail", data: { job_id: "job_4471" } });
  Sentry.addBreadcrumb({ category: "ui.input", message: "search query: Ausbildung Bäcker in Berlin" }); });
await step("type", async () => { const el = document.getElementById("mail"); el.focus();
  for (const ch of user.email) { el.value += ch; el.dispatchEvent(new Event("input", { bubbles: true })); await sleep(15); }
  document.getElementById("msg").value = "Hallo, ich interessiere mich für die Ausbildung."; document.getElementById("apply").click(); });
await step("exception", () => { try { const job = undefined; job.company.toUpperCase(); }
  catch (e) { Sentry.captureException(e, { extra: { job_id: "job_4471", query: "Ausbildung Bäcker" } }); } });
await step("message", () => Sentry.captureMessage("Application upload slow", { level: "warning", extra: { seconds: 7.4 } }));
await sleep(3000);
await step("flush", () => Sentry.flush(4000));
log("done");
