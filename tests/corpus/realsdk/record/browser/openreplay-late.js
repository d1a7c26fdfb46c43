// OpenReplay tracker (@openreplay/tracker): a session with a form the user fills in (inputs not obscured by the app).
import Tracker from "@openreplay/tracker";
import { user, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(11000);
let tracker;
await step("create", () => {
  tracker = new Tracker({ projectKey: "pR4sT6uV8wX0yZ2aB4cD", ingestPoint: "https://api.openreplay.com/ingest",
    __DISABLE_SECURE_MODE: true, respectDoNotTrack: false, obscureTextEmails: false, obscureInputEmails: false,
    defaultInputMode: 0 });
});
await step("start", () => tracker.start({ userID: user.id, metadata: { plan: "premium" } }));
await step("form", async () => {
  const form = document.createElement("form");
  form.innerHTML = '<label>Telefon <input id="tel" type="tel"></label><label>Anschreiben <textarea id="letter"></textarea></label>';
  document.body.appendChild(form);
  const tel = document.getElementById("tel");
  tel.focus();
  tel.value = user.phone;
  tel.dispatchEvent(new Event("input", { bubbles: true }));
  tel.dispatchEvent(new Event("change", { bubbles: true }));
  const letter = document.getElementById("letter");
  letter.focus();
  letter.value = "Ich backe seit zwei Jahren jedes Wochenende Brot und möchte das zu meinem Beruf machen.";
  letter.dispatchEvent(new Event("input", { bubbles: true }));
  letter.dispatchEvent(new Event("change", { bubbles: true }));
  await sleep(300);
  document.getElementById("apply").click();
});
await step("issue", () => tracker.issue?.("form_validation_failed", { field: "cv" }));
await sleep(4000);
log("done");
