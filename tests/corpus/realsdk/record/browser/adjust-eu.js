// Adjust Web SDK (@adjustcom/adjust-web-sdk) with EU data residency and a subscription-like revenue event.
import Adjust from "@adjustcom/adjust-web-sdk";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
await step("initSdk", () => Adjust.initSdk({ appToken: "9xk2mfb4c7qs", environment: "production", dataResidency: "EU",
  externalDeviceId: device.android_id, logLevel: "info" }));
await step("params", () => Adjust.addGlobalCallbackParameters([{ key: "customer_id", value: user.id }]));
await sleep(3000);
await step("event", () => Adjust.trackEvent({ eventToken: "t8bq2z", revenue: 9.99, currency: "EUR",
  callbackParams: [{ key: "plan", value: "premium_year" }, { key: "postcode", value: user.postcode }] }));
await sleep(3000);
log("done");
