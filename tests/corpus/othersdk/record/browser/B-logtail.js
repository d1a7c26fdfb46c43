// Better Stack Logs browser client (@logtail/browser): structured logs the app writes, with the
// user in the context.
import { Logtail } from "@logtail/browser";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(10000);
const logtail = new Logtail("Xk3mP9qR2tY7vZ1aB4cD6eF8", { batchInterval: 500 });
await step("info", () => logtail.info("job search", { user: { id: user.id, email: user.email }, query: "Ausbildung Bäcker", city: user.city }));
await step("warn", () => logtail.warn("upload slow", { user: { id: user.id }, seconds: 7.4, device_model: device.model }));
await step("error", () => logtail.error("application failed", { user: { id: user.id }, job_id: "job_4471", error: "HTTP 500 from api.azubiapp.de/applications" }));
await step("flush", () => logtail.flush());
await sleep(2000);
log("done");
