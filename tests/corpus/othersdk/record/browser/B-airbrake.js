// Airbrake browser notifier (@airbrake/browser): remote config, an error with the user in
// context and parameters, route performance stats.
import { Notifier } from "@airbrake/browser";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(14000);
const airbrake = new Notifier({ projectId: 483921, projectKey: "3f8e2c1a9b7d4e6f8a0c2e4b6d8f1a3c", environment: "production" });
airbrake.addFilter((notice) => { notice.context.user = { id: user.id, email: user.email, name: `${user.first_name} ${user.last_name}` };
  notice.context.version = "3.4.1"; return notice; });
await sleep(1000);
await step("notify", () => { try { undefined.cv.upload(); } catch (e) {
  return airbrake.notify({ error: e, params: { job_id: "job_4471", city: user.city }, context: { component: "ApplyForm", device_model: device.model } }); } });
await step("route", () => { const metric = airbrake.routes.start("GET", "/jobs/:id", 200, "application/json"); metric.end(); airbrake.routes.notify(metric); });
await sleep(6000);
log("done");
