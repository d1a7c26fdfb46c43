// Iterable web SDK (@iterable/web-sdk), EU data centre: JWT auth (the app's backend would mint the
// token; here a structurally valid one), user update, custom event, purchase.
import { initializeWithConfig, updateUser, track, trackPurchase } from "@iterable/web-sdk";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
const b64 = (o) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
const now = Math.floor(Date.now() / 1000);
const jwt = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ email: user.email, iat: now, exp: now + 3600 })}.c2lnbmF0dXJlLWJ5LXRoZS1hcHAtYmFja2VuZA`;
const { setEmail } = initializeWithConfig({ authToken: "b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6", configOptions: { isEuIterableService: true },
  generateJWT: () => Promise.resolve(jwt) });
await step("email", () => setEmail(user.email));
await step("update", () => updateUser({ dataFields: { firstName: user.first_name, lastName: user.last_name, phoneNumber: user.phone,
  city: user.city, postcode: user.postcode, deviceModel: device.model } }));
await step("track", () => track({ eventName: "application_submitted", dataFields: { job_id: "job_4471", company: "Bäckerei Krume" } }));
await step("purchase", () => trackPurchase({ items: [{ id: "premium_month", sku: "PREM-1M", name: "Premium 1 Monat", price: 4.99, quantity: 1 }], total: 4.99 }));
await sleep(2000);
log("done");
