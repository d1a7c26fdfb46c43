// Amplitude browser SDK (@amplitude/analytics-browser), EU server zone: user id and properties,
// page view, job search, application, revenue, location, opt-in.
import * as amplitude from "@amplitude/analytics-browser";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(14000);
await step("init", () => amplitude.init("a3f9c2e17b4d8e6f0a1b2c3d4e5f6a7b", user.id, {
  serverZone: "EU", flushIntervalMillis: 1000, flushQueueSize: 30, logLevel: amplitude.Types.LogLevel.Warn,
  autocapture: { pageViews: true, sessions: true, attribution: false, formInteractions: false,
    fileDownloads: false, elementInteractions: false, webVitals: false, frustrationInteractions: false },
  fetchRemoteConfig: false }).promise);
await step("opt in", () => amplitude.setOptOut(false));
await step("identify", () => {
  const id = new amplitude.Identify().set("email", user.email).set("name", `${user.first_name} ${user.last_name}`)
    .set("phone", user.phone).set("city", user.city).set("postcode", user.postcode).setOnce("first_seen", "2026-11-02")
    .add("applications", 1);
  return amplitude.identify(id, { device_id: device.android_id }).promise;
});
await step("screen", () => amplitude.track("Screen Viewed", { screen_name: "JobDetail", job_id: "job_4471" }).promise);
await step("search", () => amplitude.track("Job Searched", { query: "Ausbildung Bäcker", city: user.city, radius_km: 10 },
  { location_lat: 52.520008, location_lng: 13.404954, carrier: device.carrier }).promise);
await step("apply", () => amplitude.track("Application Submitted", { job_id: "job_4471", company: "Bäckerei Krume" }).promise);
await step("revenue", () => amplitude.revenue(new amplitude.Revenue().setProductId("premium_month").setPrice(4.99)
  .setQuantity(1).setRevenueType("subscription").setEventProperties({ order_id: "ord_20261204_0042" })).promise);
await step("flush", () => amplitude.flush().promise);
await sleep(1500);
log("done");
