// RudderStack's Node SDK (@rudderstack/rudder-sdk-node) to a workspace data plane: identify,
// screen, track with device context, flush.
import Analytics from "@rudderstack/rudder-sdk-node";
import { user, device, step } from "./_app.mjs";

const client = new Analytics("2Xk3mP9qR2tY7vZ1aB4cD6eF8gH", { dataPlaneUrl: "https://azubiappxkq.dataplane.rudderstack.com", flushAt: 10, flushInterval: 1000 });
const context = { device: { id: device.android_id, advertisingId: device.advertising_id, model: device.model, manufacturer: device.manufacturer, token: device.push_token },
  os: { name: "Android", version: "14" }, network: { carrier: device.carrier, wifi: true }, ip: "192.168.178.42", locale: "de-DE", timezone: device.timezone };
await step("identify", () => client.identify({ userId: user.id, traits: { email: user.email, firstName: user.first_name, lastName: user.last_name,
  phone: user.phone, address: { street: user.street, postalCode: user.postcode, city: user.city } }, context }));
await step("screen", () => client.screen({ userId: user.id, name: "JobDetail", properties: { job_id: "job_4471" }, context }));
await step("track", () => client.track({ userId: user.id, event: "Order Completed", properties: { order_id: "ord_20261204_0042", revenue: 4.99,
  currency: "EUR", products: [{ product_id: "premium_month", price: 4.99 }] }, context }));
await step("flush", () => client.flush());
await new Promise((r) => setTimeout(r, 2500));
