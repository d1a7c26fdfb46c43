// CleverTap web SDK (clevertap-web-sdk), EU region: login with profile, events, a charged event
// (purchase), privacy flags.
import clevertap from "clevertap-web-sdk";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(14000);
await step("privacy", () => clevertap.privacy.push({ optOut: false }, { useIP: false }));
await step("init", () => clevertap.init("TEST-6Z4-8R9-W57Z", "eu1"));
await step("login", () => clevertap.onUserLogin.push({ Site: { Name: `${user.first_name} ${user.last_name}`, Identity: user.id,
  Email: user.email, Phone: user.phone, City: user.city, "MSG-push": true, device_model: device.model } }));
await sleep(1500);
await step("search", () => clevertap.event.push("Job Search", { query: "Ausbildung Bäcker", city: user.city, radius_km: 10 }));
await step("apply", () => clevertap.event.push("Application Submitted", { job_id: "job_4471", company: "Bäckerei Krume" }));
await step("charged", () => clevertap.event.push("Charged", { Amount: 4.99, "Charged ID": "ord_20261204_0042", Currency: "EUR",
  Items: [{ Category: "subscription", "Product name": "Premium 1 Monat", Price: 4.99, Quantity: 1 }] }));
await sleep(3000);
log("done");
