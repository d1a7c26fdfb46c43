// Adjust Web SDK (@adjustcom/adjust-web-sdk), held-out set h4: a revenue event with partner parameters, a search event,
// third-party sharing switched off (consent withdrawn), then offline mode and back.
import Adjust from "@adjustcom/adjust-web-sdk";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(14000);
await step("initSdk", () => Adjust.initSdk({ appToken: "5kq8wz3nd1rt", environment: "production", logLevel: "info" }));
await sleep(3000);
await step("search", () => Adjust.trackEvent({ eventToken: "s7dk2p",
  callbackParams: [{ key: "search_term", value: "Ausbildung Zahnmedizinische Fachangestellte" }, { key: "radius", value: "10km" }] }));
await step("revenue", () => Adjust.trackEvent({ eventToken: "r2nd8x", revenue: 14.9, currency: "EUR", deduplicationId: "order_91544",
  partnerParams: [{ key: "customer_email", value: user.email }, { key: "item", value: "bewerbungscheck" }, { key: "job_id", value: "job_5120" }],
  callbackParams: [{ key: "app_user", value: user.id }] }));
await sleep(2500);
await step("consent withdrawn", () => Adjust.trackThirdPartySharing(new Adjust.ThirdPartySharing(false)));
await sleep(2000);
log("done");
