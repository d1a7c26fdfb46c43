// Mixpanel browser client (mixpanel-browser), EU data residency: page view, identify with profile,
// job search, application, purchase with a charge, push opt-in, consent.
import mixpanel from "mixpanel-browser";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(14000);
await step("init", () => mixpanel.init("8f2b5c1d7e9a4b3c6d0e1f2a3b4c5d6e", {
  api_host: "https://api-eu.mixpanel.com", track_pageview: true, persistence: "localStorage",
  batch_requests: true, batch_flush_interval_ms: 1500, ignore_dnt: true }));
await step("consent", () => mixpanel.opt_in_tracking({ track: () => {} }));
await step("identify", () => mixpanel.identify(user.id));
await step("super properties", () => mixpanel.register({ app_version: "3.4.1", device_model: device.model, carrier: device.carrier }));
await step("people", () => mixpanel.people.set({ $email: user.email, $first_name: user.first_name,
  $last_name: user.last_name, $phone: user.phone, $city: user.city, postcode: user.postcode, plan: "free",
  push_token: device.push_token }));
await sleep(500);
await step("screen", () => mixpanel.track("Screen Viewed", { screen: "JobSearch", previous_screen: "Home" }));
await step("search", () => mixpanel.track("Job Search", { query: "Ausbildung Bäcker", city: user.city,
  radius_km: 10, lat: 52.520008, lon: 13.404954, results: 17 }));
await step("apply", () => mixpanel.track("Application Submitted", { job_id: "job_4471", company: "Bäckerei Krume",
  cover_letter_chars: 812 }));
await step("purchase", () => { mixpanel.track("Purchase", { product_id: "premium_month", price: 4.99, currency: "EUR",
  order_id: "ord_20261204_0042" }); mixpanel.people.track_charge(4.99, { product_id: "premium_month" }); });
await sleep(2500);
log("done");
