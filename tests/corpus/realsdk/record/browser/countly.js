// Countly Web SDK (countly-sdk-web) against Countly's hosted service.
import Countly from "countly-sdk-web";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(15000);
await step("init", () => Countly.init({
  app_key: "5e1d9c7a2b4f6e8d0c1a3b5d7f9e2c4a6b8d0f1e",
  url: "https://azubiapp.count.ly",
  app_version: "3.4.1",
  debug: true,
  interval: 500,
  session_update: 5,
  metrics: { _os: "Android", _os_version: device.os_version, _device: device.model, _carrier: device.carrier, _locale: "de_DE" },
}));
await step("sessions", () => { Countly.track_sessions(); Countly.track_pageview("JobDetail"); });
await step("change_id", () => Countly.change_id(user.id, true));
await step("user_details", () => Countly.user_details({
  name: `${user.first_name} ${user.last_name}`, username: "lena_b", email: user.email, phone: user.phone,
  byear: 2007, gender: "F", custom: { street: user.street, postcode: user.postcode, city: user.city },
}));
await step("events", () => {
  Countly.add_event({ key: "application_submitted", count: 1, segmentation: { job_id: "job_4471", company: "Bäckerei Krume" } });
  Countly.add_event({ key: "purchase", count: 1, sum: 4.99, segmentation: { product_id: "premium_month", currency: "EUR" } });
});
await step("error", () => {
  try { JSON.parse("{bewerbung"); } catch (e) { Countly.log_error(e, { screen: "JobDetail" }); }
});
await sleep(2500);
await step("location", () => Countly.set_location?.({ city: user.city, country_code: user.country, gps: "52.520008,13.404954" }) ?? Countly.user_details({ custom: { gps: "52.520008,13.404954" } }));
await sleep(3000);
log("done");
