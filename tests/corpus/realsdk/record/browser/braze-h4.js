// Braze Web SDK (@braze/web-sdk), held-out set h4: a logged-out search first, then login, custom events with
// nested properties, a purchase with properties, and the user withdrawing e-mail and push consent.
import * as braze from "@braze/web-sdk";
import { user, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(11000);
await step("initialize", () => braze.initialize("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", { baseUrl: "sdk.fra-01.braze.eu" }));
await step("openSession", () => braze.openSession());
await step("logged-out search", () => braze.logCustomEvent("job_search", { query: "Ausbildung Fachinformatikerin", filters: { radius_km: 25, start: "2027-08" }, results: 31 }));
await sleep(300);
await step("flush", () => braze.requestImmediateDataFlush());
await sleep(1000);
await step("login", () => braze.changeUser(user.id));
await step("events", () => {
  braze.logCustomEvent("chat_message_sent", { thread_id: "thr_9034", employer: "Kanzlei Richter & Sohn", text: "Ich hätte am Donnerstag ab 14 Uhr Zeit." });
  braze.logPurchase("bewerbungscheck", 14.9, "EUR", 1, { order_id: "order_91544", coupon: "AZUBI10", job_id: "job_5120" });
});
await step("consent", () => {
  const u = braze.getUser();
  u.setEmailNotificationSubscriptionType(braze.User.NotificationSubscriptionTypes.UNSUBSCRIBED);
  u.setPushNotificationSubscriptionType(braze.User.NotificationSubscriptionTypes.UNSUBSCRIBED);
  u.setCustomUserAttribute("marketing_consent", false);
});
await step("flush 2", () => braze.requestImmediateDataFlush());
log("done");
