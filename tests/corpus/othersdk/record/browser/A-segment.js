// Segment Analytics.js 2.0 (@segment/analytics-next): source settings from Segment's CDN (answered
// by the sink), then page, identify with traits, track calls, consent.
import { AnalyticsBrowser } from "@segment/analytics-next";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(14000);
const analytics = AnalyticsBrowser.load({ writeKey: "Xk3mP9qR2tY7vZ1aB4cD6eF8gH0jK2lM" });
await step("page", () => analytics.page("Jobs", "JobSearch", { path: "/jobs", search: "?q=baecker" }));
await step("identify", () => analytics.identify(user.id, { email: user.email, firstName: user.first_name,
  lastName: user.last_name, phone: user.phone, address: { street: user.street, postalCode: user.postcode,
    city: user.city, country: user.country }, plan: "free" }));
await step("search", () => analytics.track("Products Searched", { query: "Ausbildung Bäcker", radius_km: 10 }));
await step("apply", () => analytics.track("Application Submitted", { job_id: "job_4471", company: "Bäckerei Krume" },
  { context: { location: { latitude: 52.520008, longitude: 13.404954, city: user.city } } }));
await step("order", () => analytics.track("Order Completed", { order_id: "ord_20261204_0042", revenue: 4.99,
  currency: "EUR", products: [{ product_id: "premium_month", sku: "PREM-1M", price: 4.99, quantity: 1 }] }));
await step("consent", () => analytics.track("Segment Consent Preference Updated", {},
  { consent: { categoryPreferences: { Analytics: true, Advertising: false } } }));
await sleep(3000);
log("done");
