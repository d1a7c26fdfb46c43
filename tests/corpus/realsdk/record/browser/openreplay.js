// OpenReplay tracker (@openreplay/tracker) to OpenReplay Cloud.
import Tracker from "@openreplay/tracker";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(14000);
let tracker;
await step("create", () => {
  tracker = new Tracker({ projectKey: "xK3mP9qR2tY7vZ1aB4cD", ingestPoint: "https://api.openreplay.com/ingest",
    __DISABLE_SECURE_MODE: true, respectDoNotTrack: false, obscureTextEmails: false, obscureInputEmails: false,
    network: { capturePayload: true, failuresOnly: false } });
});
await step("start", () => tracker.start({ userID: user.email, metadata: { plan: "free", city: user.city } }));
await step("identify", () => { tracker.setUserID(user.email); tracker.setMetadata("user_id", user.id); });
await step("login (the app's own API)", () => fetch("https://api.azubiapp.de/v2/login", { method: "POST",
  headers: { "content-type": "application/json" }, body: JSON.stringify({ email: user.email, password: user.password }) }));
await step("event", () => tracker.event("application_submitted", { job_id: "job_4471", phone: user.phone }));
await step("error", () => tracker.handleError(new Error("CV upload failed")));
await step("dom", () => {
  const p = document.createElement("p");
  p.textContent = `Hallo ${user.first_name}, deine Bewerbung ist unterwegs.`;
  document.body.appendChild(p);
});
await sleep(5000);
log("done");
