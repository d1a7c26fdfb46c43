// AppSignal front-end error monitoring (@appsignal/javascript): breadcrumbs, an error with user
// tags and params.
import Appsignal from "@appsignal/javascript";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(10000);
const appsignal = new Appsignal({ key: "6c1f2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", revision: "3.4.1" });
await step("breadcrumbs", () => { appsignal.addBreadcrumb({ category: "navigation", action: "JobSearch -> JobDetail", metadata: { job_id: "job_4471" } });
  appsignal.addBreadcrumb({ category: "search", action: "query", metadata: { query: "Ausbildung Bäcker", city: user.city } }); });
await step("error", () => { try { null.company.length; } catch (e) {
  return appsignal.sendError(e, (span) => { span.setAction("ApplyForm#submit"); span.setTags({ user_id: user.id, email: user.email, device_model: device.model });
    span.setParams({ job_id: "job_4471", postcode: user.postcode }); }); } });
await sleep(2000);
log("done");
