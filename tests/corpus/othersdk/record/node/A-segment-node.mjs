// Segment's Node library (@segment/analytics-node): what an app backend sends for the user:
// identify, screen, track with device context (push token, advertising id), group, alias.
import { Analytics } from "@segment/analytics-node";
import { user, device, step } from "./_app.mjs";

const analytics = new Analytics({ writeKey: "Xk3mP9qR2tY7vZ1aB4cD6eF8gH0jK2lM", flushAt: 3, flushInterval: 1000 });
analytics.on("error", (e) => console.log("[sdk] error", String(e && e.reason ? e.reason : e)));
const context = { device: { id: device.android_id, advertisingId: device.advertising_id, adTrackingEnabled: true,
  manufacturer: device.manufacturer, model: device.model, type: "android", token: device.push_token },
  os: { name: "Android", version: "14" }, network: { carrier: device.carrier, wifi: true }, locale: "de-DE",
  timezone: device.timezone, ip: "192.168.178.42", app: { name: "AzubiApp", version: "3.4.1", namespace: "de.azubiapp.demo" } };
await step("identify", () => analytics.identify({ userId: user.id, traits: { email: user.email, name: `${user.first_name} ${user.last_name}`,
  phone: user.phone, address: { city: user.city, postalCode: user.postcode } }, context }));
await step("screen", () => analytics.screen({ userId: user.id, name: "JobDetail", properties: { job_id: "job_4471" }, context }));
await step("track", () => analytics.track({ userId: user.id, event: "Application Submitted",
  properties: { job_id: "job_4471", company: "Bäckerei Krume" }, context }));
await step("location", () => analytics.track({ userId: user.id, event: "Location Updated",
  properties: { latitude: 52.520008, longitude: 13.404954, accuracy_m: 12 }, context }));
await step("group", () => analytics.group({ userId: user.id, groupId: "school_oszbackwaren", traits: { name: "OSZ Backwaren Berlin" } }));
await step("alias", () => analytics.alias({ userId: user.id, previousId: "anon-7f3e2a1c" }));
await step("flush", () => analytics.closeAndFlush({ timeout: 8000 }));
