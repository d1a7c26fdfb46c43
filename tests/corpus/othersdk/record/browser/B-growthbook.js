// GrowthBook JS SDK (@growthbook/growthbook) with GrowthBook's own event tracking plugin (managed
// warehouse): features from GrowthBook's CDN, evaluated locally with the user's attributes; feature
// evaluations and the app's events go to GrowthBook's ingestor with those attributes.
import { GrowthBook } from "@growthbook/growthbook";
import { growthbookTrackingPlugin } from "@growthbook/growthbook/plugins";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
const gb = new GrowthBook({ apiHost: "https://cdn.growthbook.io", clientKey: "sdk-Xk3mP9qR2tY7vZ1a",
  attributes: { user_id: user.id, device_id: device.android_id, email: user.email, city: user.city, country: user.country,
    plan: "free", pageTitle: "JobDetail" },
  plugins: [growthbookTrackingPlugin({ queueFlushInterval: 500, transport: "fetch" })] });
await step("init", () => gb.init({ timeout: 4000 }));
await step("flags", () => { log("flag", gb.isOn("new-onboarding")); gb.getFeatureValue("apply-button-color", "blue"); });
await step("event", () => gb.logEvent("application_submitted", { job_id: "job_4471", company: "Bäckerei Krume" }));
await step("attributes", () => gb.setAttributes({ ...gb.getAttributes(), applications: 1, postcode: user.postcode }));
await step("event 2", () => gb.logEvent("purchase", { product_id: "premium_month", revenue: 4.99, currency: "EUR" }));
await sleep(2500);
log("done");
