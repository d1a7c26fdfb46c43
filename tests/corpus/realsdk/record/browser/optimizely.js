// Optimizely Feature Experimentation JavaScript SDK (@optimizely/optimizely-sdk) with a static datafile.
import { createInstance, createStaticProjectConfigManager, createBatchEventProcessor } from "@optimizely/optimizely-sdk";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
const datafile = {
  version: "4", rollouts: [], typedAudiences: [], anonymizeIP: true, projectId: "24601234567", variables: [],
  featureFlags: [{ id: "301", key: "apply_button", rolloutId: "", experimentIds: ["401"], variables: [] }],
  experiments: [{ id: "401", key: "apply_button_test", status: "Running", layerId: "501",
    variations: [{ id: "601", key: "green", featureEnabled: true, variables: [] }],
    trafficAllocation: [{ entityId: "601", endOfRange: 10000 }], audienceIds: [], audienceConditions: [], forcedVariations: {} }],
  audiences: [], groups: [], attributes: [{ id: "701", key: "city" }, { id: "702", key: "email" }],
  botFiltering: false, accountId: "24601234560", events: [{ id: "801", key: "application_submitted", experimentIds: ["401"] }],
  revision: "12", sendFlagDecisions: true, integrations: [], environmentKey: "production", sdkKey: "Wx3mP9qR2tY7vZ1aB4cD6",
};
let client;
await step("create", () => {
  client = createInstance({
    projectConfigManager: createStaticProjectConfigManager({ datafile: JSON.stringify(datafile) }),
    eventProcessor: createBatchEventProcessor({ flushInterval: 1000 }),
  });
});
await step("ready", () => client.onReady({ timeout: 3000 }));
await step("decide + track", () => {
  const ctx = client.createUserContext(user.id, { city: user.city, email: user.email, device_id: device.android_id });
  ctx.decide("apply_button");
  ctx.trackEvent("application_submitted", { revenue: 499, value: 4.99, job_id: "job_4471" });
});
await sleep(3000);
await step("close", () => client.close());
log("done");
