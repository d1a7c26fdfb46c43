// Rollbar browser notifier (rollbar): person, telemetry (console, navigation, clicks), an info
// message, a handled error during an application, an unhandled rejection.
import Rollbar from "rollbar";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
const rollbar = new Rollbar({ accessToken: "3f8e2c1a9b7d4e6f8a0c2e4b6d8f1a3c", captureUncaught: true,
  captureUnhandledRejections: true, autoInstrument: true,
  payload: { environment: "production", person: { id: user.id, email: user.email, username: `${user.first_name} ${user.last_name}` },
    client: { javascript: { code_version: "3.4.1" } }, custom: { device_model: device.model, city: user.city } } });
await step("telemetry", () => { rollbar.captureEvent({ type: "navigation", from: "JobSearch", to: "JobDetail", job_id: "job_4471" }, "info");
  log("search", "Ausbildung Bäcker", user.city); });
await step("click", () => document.getElementById("apply").click());
await step("info", () => rollbar.info("Application started", { job_id: "job_4471", company: "Bäckerei Krume" }));
await step("error", () => { try { null.upload(); } catch (e) { rollbar.error("Upload of Lebenslauf.pdf failed", e, { job_id: "job_4471", postcode: user.postcode }); } });
await step("unhandled", () => { Promise.reject(new Error("Bewerbung konnte nicht gespeichert werden (HTTP 500)")); });
await sleep(3000);
log("done");
