// LaunchDarkly client-side SDK (launchdarkly-js-client-sdk 3): a multi-context (user + device),
// flag evaluations, a custom event with a metric value, a re-identify after login.
import * as LDClient from "launchdarkly-js-client-sdk";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
const context = { kind: "multi",
  user: { key: user.id, email: user.email, name: `${user.first_name} ${user.last_name}`, country: user.country,
    city: user.city, plan: "free" },
  device: { key: device.android_id, model: device.model, os: "Android 14" } };
const client = LDClient.initialize("6762f0a21bb69f9f2193bb7b", { kind: "user", key: "anon-7f3e2a1c", anonymous: true },
  { streaming: false, sendEvents: true, flushInterval: 1500, evaluationReasons: true, sendEventsOnlyForVariation: false });
await step("init", () => client.waitForInitialization(5));
await step("flag anonymous", () => client.variation("new-onboarding", false));
await step("identify", () => client.identify(context));
await step("flags", () => { client.variation("apply-button-color", "blue"); client.variation("premium-price-eur", 4.99); });
await step("track", () => client.track("application-submitted", { job_id: "job_4471", company: "Bäckerei Krume" }, 1));
await step("flush", () => client.flush());
await sleep(2000);
log("done");
