// Statsig's server SDK for Node (statsig-node): initialise, gates for a user, events.
import statsig from "statsig-node";
import { user, device, step } from "./_app.mjs";

const su = { userID: user.id, email: user.email, ip: "192.168.178.42", country: user.country,
  userAgent: "AzubiApp/3.4.1 (Android 14; SM-A546B)", custom: { city: user.city, plan: "free" }, customIDs: { deviceID: device.android_id } };
await step("initialize", () => statsig.initialize("secret-Xk3mP9qR2tY7vZ1aB4cD6eF8gH0jK2lM4nP6", {
  environment: { tier: "production" }, initTimeoutMs: 3000, disableIdListsSync: true }));
await step("gate", () => statsig.checkGate(su, "new_onboarding"));
await step("events", () => {
  statsig.logEvent(su, "application_submitted", "job_4471", { company: "Bäckerei Krume" });
  statsig.logEvent(su, "purchase", 4.99, { product_id: "premium_month" });
});
await step("shutdown", () => statsig.shutdownAsync(3000));
process.exit(0);
