// OpenReplay tracker (@openreplay/tracker), held-out set h4: an anonymous session that logs in; a chat message typed.
import Tracker from "@openreplay/tracker";
import { user, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(10000);
let tracker;
await step("create", () => {
  tracker = new Tracker({ projectKey: "hJ7kL9mN1bV3cX5zA7sD", ingestPoint: "https://api.openreplay.com/ingest",
    __DISABLE_SECURE_MODE: true, respectDoNotTrack: false, defaultInputMode: 0 });
});
await step("start anonymous", () => tracker.start());
await step("login", () => { tracker.setUserID(user.id); tracker.setMetadata("email", user.email); });
await step("chat", async () => {
  const ta = document.createElement("textarea");
  ta.id = "chat";
  document.body.appendChild(ta);
  ta.focus();
  ta.value = "Ich hätte am Donnerstag ab 14 Uhr Zeit.";
  ta.dispatchEvent(new Event("input", { bubbles: true }));
  ta.dispatchEvent(new Event("change", { bubbles: true }));
  tracker.event("chat_message_sent", { thread_id: "thr_9034" });
});
await sleep(4000);
log("done");
