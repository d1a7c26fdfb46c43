// PostHog's Node library (posthog-node), EU cloud: identify, events with the user's IP and
// location, a feature flag evaluated with person properties, an alias.
import { PostHog } from "posthog-node";
import { user, device, step } from "./_app.mjs";

const client = new PostHog("phc_Xk3mP9qR2tY7vZ1aB4cD6eF8gH0jK2lM4nP6qR8sT0", { host: "https://eu.i.posthog.com",
  flushAt: 2, flushInterval: 500 });
client.on("error", (e) => console.log("[sdk] error", String(e)));
await step("identify", () => client.identify({ distinctId: user.id, properties: { email: user.email, phone: user.phone,
  name: `${user.first_name} ${user.last_name}`, postcode: user.postcode } }));
await step("capture", () => client.capture({ distinctId: user.id, event: "push_registered",
  properties: { $ip: "192.168.178.42", push_token: device.push_token, $os: "Android", $os_version: "14", $device_model: device.model } }));
await step("location", () => client.capture({ distinctId: user.id, event: "location_updated",
  properties: { $geoip_disable: true, latitude: 52.520008, longitude: 13.404954 } }));
await step("flag", () => client.isFeatureEnabled("new-onboarding", user.id, { personProperties: { email: user.email, city: user.city } }));
await step("alias", () => client.alias({ distinctId: user.id, alias: "anon-7f3e2a1c" }));
await step("shutdown", () => client.shutdown(8000));
