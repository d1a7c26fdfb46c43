// Countly Web SDK (countly-sdk-web), held-out set h4: consent required (given step by step), views with segmentation,
// a crash report with breadcrumbs and custom segments, a rating widget with comment, and logged out -> logged in.
import Countly from "countly-sdk-web";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(15000);
await step("init", () => Countly.init({
  app_key: "8c1e3a5b7d9f0e2c4a6b8d0f1e3a5c7b9d1f2e4a", url: "https://azubiapp.count.ly", app_version: "3.5.0",
  debug: true, interval: 500, session_update: 5, require_consent: true,
  metrics: { _os: "Android", _os_version: device.os_version, _device: device.model, _resolution: "1080x2340" },
}));
await step("consent sessions+views", () => { Countly.add_consent(["sessions", "views", "events"]); Countly.track_sessions(); });
await step("view search", () => Countly.track_view("JobSearch", [], { query: "Ausbildung Tischlerin", filter_city: user.city }));
await sleep(1500);
await step("login", () => Countly.change_id(user.id, true));
await step("consent crashes+feedback", () => Countly.add_consent(["crashes", "star-rating", "users"]));
await step("view chat", () => Countly.track_view("Chat", [], { thread_id: "thr_9034" }));
await step("crash", () => {
  Countly.add_log("opened thread thr_9034");
  Countly.add_log(`draft restored for ${user.email}`);
  try { null.send(); } catch (e) { Countly.log_error(e, { thread_id: "thr_9034", draft_length: 57 }); }
});
await step("rating", () => Countly.recordRatingWidgetWithID({ widget_id: "65f1a2b3c4d5e6f7a8b9c0d1", rating: 4, email: user.email,
  comment: "Die Suche ist super, aber der Chat lädt langsam.", contactMe: true }));
await sleep(3000);
await step("consent withdrawn", () => Countly.remove_consent(["star-rating"]));
await sleep(2000);
log("done");
