// Statsig JavaScript client (@statsig/js-client): initialise for a user, gates, experiment, events.
import { StatsigClient } from "@statsig/js-client";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
const client = new StatsigClient("client-Xk3mP9qR2tY7vZ1aB4cD6eF8gH0jK2lM4nP6qR8sT0",
  { userID: user.id, email: user.email, country: user.country, locale: "de_DE",
    custom: { city: user.city, phone: user.phone, plan: "free" }, customIDs: { deviceID: device.android_id } },
  { environment: { tier: "production" } });
await step("initialize", () => client.initializeAsync());
await step("gates", () => { client.checkGate("new_onboarding"); client.getExperiment("apply_button_color"); });
await step("events", () => {
  client.logEvent("application_submitted", "job_4471", { company: "Bäckerei Krume", screen: "JobDetail" });
  client.logEvent({ eventName: "purchase", value: 4.99, metadata: { product_id: "premium_month", currency: "EUR" } });
});
await step("flush", () => client.flush());
await sleep(1000);
log("done");
