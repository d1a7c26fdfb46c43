// Adjust Web SDK (@adjustcom/adjust-web-sdk): install, events with callback/partner parameters.
import Adjust from "@adjustcom/adjust-web-sdk";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(17000);
await step("initSdk", () =>
  Adjust.initSdk({ appToken: "2fm9gkqubvpc", environment: "production", logLevel: "verbose", externalDeviceId: user.id }));
await step("global params", () => {
  Adjust.addGlobalCallbackParameters([{ key: "user_id", value: user.id }, { key: "email", value: user.email }]);
  Adjust.addGlobalPartnerParameters([{ key: "gps_adid", value: device.advertising_id }]);
});
await sleep(3000);
await step("trackEvent registration", () =>
  Adjust.trackEvent({ eventToken: "g3mfiw", callbackParams: [{ key: "screen", value: "Registration" }, { key: "phone", value: user.phone }] }));
await step("trackEvent purchase", () =>
  Adjust.trackEvent({ eventToken: "a4fd35", revenue: 4.99, currency: "EUR", deduplicationId: "order_90211",
    partnerParams: [{ key: "product_id", value: "premium_month" }, { key: "city", value: user.city }] }));
await sleep(3000);
await step("third-party sharing", () => {
  const sharing = new Adjust.ThirdPartySharing(true);
  sharing.addGranularOption("google_dma", "eea", "1");
  sharing.addGranularOption("google_dma", "ad_personalization", "1");
  Adjust.trackThirdPartySharing(sharing);
});
await sleep(1500);
await step("gdprForgetMe", () => Adjust.gdprForgetMe());
await sleep(2000);
log("done");
