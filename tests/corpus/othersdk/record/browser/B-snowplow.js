// Snowplow browser tracker (@snowplow/browser-tracker) to a Snowplow BDP collector: user id,
// page view with web page context, a structured search event, a self-describing application
// event with a geolocation entity, a purchase.
import { newTracker, setUserId, trackPageView, trackStructEvent, trackSelfDescribingEvent } from "@snowplow/browser-tracker";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
await step("tracker", () => newTracker("sp1", "https://com-azubiapp-prod1.collector.snplow.net",
  { appId: "azubiapp-android", platform: "mob", eventMethod: "post", bufferSize: 1, contexts: { webPage: true, session: true } }));
const geo = { schema: "iglu:com.snowplowanalytics.snowplow/geolocation_context/jsonschema/1-1-0",
  data: { latitude: 52.520008, longitude: 13.404954, latitudeLongitudeAccuracy: 12 } };
await step("user", () => setUserId(user.id));
await step("page", () => trackPageView({ title: "JobSearch" }));
await step("search", () => trackStructEvent({ category: "jobs", action: "search", label: "Ausbildung Bäcker", property: user.city, value: 10 }));
await step("apply", () => trackSelfDescribingEvent({ event: { schema: "iglu:de.azubiapp/application_submitted/jsonschema/1-0-0",
  data: { job_id: "job_4471", company: "Bäckerei Krume" } }, context: [geo] }));
await step("purchase", () => trackSelfDescribingEvent({ event: { schema: "iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2",
  data: { type: "transaction" } }, context: [{ schema: "iglu:com.snowplowanalytics.snowplow.ecommerce/transaction/jsonschema/1-0-0",
  data: { transaction_id: "ord_20261204_0042", revenue: 4.99, currency: "EUR", payment_method: "paypal", total_quantity: 1 } }] }));
await sleep(3000);
log("done");
