// Mixpanel's server library (mixpanel), EU: an app backend tracks the user's events with IP and
// location, sets the profile, records a charge and imports a past event.
import Mixpanel from "mixpanel";
import { user, device, step } from "./_app.mjs";

const mp = Mixpanel.init("8f2b5c1d7e9a4b3c6d0e1f2a3b4c5d6e", { host: "api-eu.mixpanel.com",
  secret: "mp-secret-7a9c2e4f6b8d0a1c", keepAlive: false });
const cb = (resolve) => (err) => { if (err) console.log("[sdk] error", String(err)); resolve(); };
const call = (fn) => new Promise((resolve) => fn(cb(resolve)));
await step("track", () => call((done) => mp.track("Push Registered", { distinct_id: user.id, ip: "192.168.178.42",
  platform: "android", push_token: device.push_token, $device_id: device.android_id }, done)));
await step("people", () => call((done) => mp.people.set(user.id, { $email: user.email, $phone: user.phone,
  $first_name: user.first_name, $last_name: user.last_name, $city: user.city, $country_code: user.country,
  applications: 3 }, { $ip: "192.168.178.42" }, done)));
await step("charge", () => call((done) => mp.people.track_charge(user.id, 4.99, { product_id: "premium_month",
  order_id: "ord_20261204_0042" }, done)));
await step("import", () => call((done) => mp.import("Application Submitted", new Date(Date.now() - 3600_000),
  { distinct_id: user.id, job_id: "job_4471", company: "Bäckerei Krume", $latitude: 52.520008, $longitude: 13.404954 }, done)));
