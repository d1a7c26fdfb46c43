// Braze Web SDK (@braze/web-sdk) as an app's WebView would use it.
import * as braze from "@braze/web-sdk";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(14000);
await step("initialize", () =>
  braze.initialize("3f1d2c4b-5a6e-4f7d-8c9b-0a1e2d3c4b5a", { baseUrl: "sdk.fra-02.braze.eu", enableLogging: true }));
await step("changeUser", () => braze.changeUser(user.id));
await step("attributes", () => {
  const u = braze.getUser();
  u.setEmail(user.email);
  u.setPhoneNumber(user.phone);
  u.setFirstName(user.first_name);
  u.setLastName(user.last_name);
  u.setHomeCity(user.city);
  u.setCountry(user.country);
  u.setLanguage("de");
  u.setDateOfBirth(2007, 3, 14);
  u.setGender(braze.User.Genders.FEMALE);
  u.setLastKnownLocation(52.520008, 13.404954, 12, 34, 5);
  u.setCustomUserAttribute("advertising_id", device.advertising_id);
  u.setCustomUserAttribute("street", user.street);
  u.setCustomUserAttribute("postcode", user.postcode);
});
await step("openSession", () => braze.openSession());
await step("events", () => {
  braze.logCustomEvent("application_submitted", { job_id: "job_4471", company: "Bäckerei Krume", screen: "JobDetail" });
  braze.logCustomEvent("search", { query: "Ausbildung Mechatroniker Berlin" });
  braze.logPurchase("premium_month", 4.99, "EUR", 1, { plan: "monthly" });
});
await sleep(500);
await step("flush", () => braze.requestImmediateDataFlush());
await sleep(1500);
await step("home location + content cards", () => {
  braze.getUser().setCustomLocationAttribute("home", 52.520008, 13.404954);
  braze.requestContentCardsRefresh();
});
await sleep(500);
await step("flush 2", () => braze.requestImmediateDataFlush());
log("done");
