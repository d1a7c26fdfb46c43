// Bugsnag JavaScript notifier (@bugsnag/js): session start, user and metadata, breadcrumbs, a
// handled error and an unhandled rejection.
import Bugsnag from "@bugsnag/js";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
await step("start", () => Bugsnag.start({ apiKey: "4f2a9c1e7b3d5f8a0c2e4b6d8f1a3c5e", appVersion: "3.4.1",
  releaseStage: "production", user: { id: user.id, email: user.email, name: `${user.first_name} ${user.last_name}` },
  metadata: { device: { model: device.model, carrier: device.carrier }, profile: { city: user.city, postcode: user.postcode } } }));
await step("breadcrumbs", () => { Bugsnag.leaveBreadcrumb("Job search", { query: "Ausbildung Bäcker", city: user.city });
  Bugsnag.leaveBreadcrumb("Opened job", { job_id: "job_4471" }, "navigation"); });
await sleep(500);
await step("notify", () => new Promise((resolve) => { try { JSON.parse("{\"cv\": ") }
  catch (e) { Bugsnag.notify(e, (event) => { event.context = "ApplyForm"; event.addMetadata("application", { job_id: "job_4471", company: "Bäckerei Krume" }); }, resolve); } }));
await step("unhandled", () => { Promise.reject(new Error("Upload of Lebenslauf.pdf failed: 413")); });
await sleep(3000);
log("done");
