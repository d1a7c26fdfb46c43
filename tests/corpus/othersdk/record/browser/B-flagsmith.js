// Flagsmith JS SDK (flagsmith): identity with traits, flag checks, a trait update, flag analytics.
import flagsmith from "flagsmith";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(16000);
await step("init", () => flagsmith.init({ environmentID: "Xk3mP9qR2tY7vZ1aB4cD6e", api: "https://edge.api.flagsmith.com/api/v1/",
  identity: user.id, traits: { email: user.email, city: user.city, plan: "free", device_model: device.model },
  enableAnalytics: true, cacheFlags: false }));
await step("flags", () => { flagsmith.hasFeature("new_onboarding"); flagsmith.getValue("apply_button_color"); flagsmith.hasFeature("premium_paywall"); });
await step("traits", () => flagsmith.setTraits({ phone: user.phone, postcode: user.postcode, applications: 1 }));
await step("flags again", () => flagsmith.hasFeature("premium_paywall"));
await sleep(11000);
log("done");
