// Raygun4JS (raygun4js): crash reporting with the user, breadcrumbs, custom data, and Real User
// Monitoring (page view / session).
import rg4js from "raygun4js";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(14000);
await step("init", () => { rg4js("apiKey", "Xk3mP9qR2tY7vZ1aB4cD6eF8"); rg4js("enableCrashReporting", true); rg4js("enablePulse", true);
  rg4js("setVersion", "3.4.1"); rg4js("options", { ignore3rdPartyErrors: false, disablePulse: false });
  rg4js("setUser", { identifier: user.id, isAnonymous: false, email: user.email, firstName: user.first_name, fullName: `${user.first_name} ${user.last_name}` }); });
await step("breadcrumbs", () => { rg4js("recordBreadcrumb", "Job search", { query: "Ausbildung Bäcker", city: user.city });
  rg4js("recordBreadcrumb", "Opened JobDetail", { job_id: "job_4471" }); });
await step("send", () => { try { undefined.bewerbung.senden(); } catch (e) {
  rg4js("send", { error: e, tags: ["apply"], customData: { job_id: "job_4471", postcode: user.postcode, device_model: device.model } }); } });
await step("custom timing", () => rg4js("trackEvent", { type: "pageView", path: "/jobs/job_4471" }));
await sleep(6000);
log("done");
