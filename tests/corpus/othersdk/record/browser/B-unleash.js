// Unleash frontend client (unleash-proxy-client) against a hosted Unleash frontend API: the
// context (user id, session id, properties) goes in the query; toggle metrics and impressions.
import { UnleashClient } from "unleash-proxy-client";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(14000);
const unleash = new UnleashClient({ url: "https://eu.app.unleash-hosted.com/demo/api/frontend",
  clientKey: "default:production.Xk3mP9qR2tY7vZ1aB4cD6eF8gH0jK2lM", appName: "azubiapp-android",
  refreshInterval: 60, metricsInterval: 3, environment: "production",
  context: { userId: user.id, properties: { email: user.email, city: user.city, deviceId: device.android_id } } });
await step("start", () => unleash.start());
await sleep(1500);
await step("toggles", () => { unleash.isEnabled("new-onboarding"); unleash.getVariant("apply-button-color"); });
await step("context", () => unleash.updateContext({ userId: user.id, properties: { email: user.email, city: user.city,
  deviceId: device.android_id, postcode: user.postcode, lastScreen: "JobDetail" } }));
await sleep(5000);
log("done");
