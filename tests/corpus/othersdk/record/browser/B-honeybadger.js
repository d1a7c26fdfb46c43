// Honeybadger JavaScript client (@honeybadger-io/js): context with the user, breadcrumbs, a
// handled error, and Insights events.
import Honeybadger from "@honeybadger-io/js";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(14000);
await step("configure", () => Honeybadger.configure({ apiKey: "hbp_Xk3mP9qR2tY7vZ1aB4cD6eF8gH0jK2l", environment: "production",
  revision: "3.4.1", breadcrumbsEnabled: true, enableUncaught: true, enableUnhandledRejection: true }));
await step("context", () => Honeybadger.setContext({ user_id: user.id, user_email: user.email, city: user.city, device_model: device.model }));
await step("breadcrumbs", () => { Honeybadger.addBreadcrumb("Job search", { category: "custom", metadata: { query: "Ausbildung Bäcker", city: user.city } });
  Honeybadger.addBreadcrumb("Opened JobDetail", { category: "navigation", metadata: { job_id: "job_4471" } }); });
await step("notify", () => { try { JSON.parse("{\"anschreiben\": "); } catch (e) {
  return Honeybadger.notify(e, { context: { job_id: "job_4471", screen: "ApplyForm" }, params: { postcode: user.postcode } }); } });
await step("events", () => { if (typeof Honeybadger.event !== "function") throw new Error("no Insights events in this version");
  Honeybadger.event("application_submitted", { user_id: user.id, job_id: "job_4471", company: "Bäckerei Krume" });
  Honeybadger.event("purchase", { user_id: user.id, product_id: "premium_month", revenue: 4.99 }); });
await sleep(6000);
log("done");
