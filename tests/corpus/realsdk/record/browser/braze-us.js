// Braze Web SDK (@braze/web-sdk) on a US cluster: an anonymous user first, then identified; subscriptions.
import * as braze from "@braze/web-sdk";
import { user, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(10000);
await step("initialize", () => braze.initialize("7e6d5c4b-3a29-4817-9605-f4e3d2c1b0a9", { baseUrl: "sdk.iad-05.braze.com" }));
await step("openSession", () => braze.openSession());
await step("anonymous event", () => braze.logCustomEvent("onboarding_step", { step: 2, answer: "Handwerk" }));
await sleep(300);
await step("flush", () => braze.requestImmediateDataFlush());
await sleep(1000);
await step("identify", () => braze.changeUser(user.id));
await step("subscriptions", () => {
  const u = braze.getUser();
  u.setEmailNotificationSubscriptionType(braze.User.NotificationSubscriptionTypes.OPTED_IN);
  u.addToSubscriptionGroup("3c4d5e6f-7a8b-4c9d-0e1f-2a3b4c5d6e7f");
  u.addToCustomAttributeArray("interests", "Kfz");
  u.setCustomUserAttribute("school_grade_average", 2.3);
});
await step("flush 2", () => braze.requestImmediateDataFlush());
log("done");
