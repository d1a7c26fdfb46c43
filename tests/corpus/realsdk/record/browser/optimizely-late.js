// Optimizely Feature Experimentation JavaScript SDK (@optimizely/optimizely-sdk): decideAll for a user with more attributes.
import { createInstance, createStaticProjectConfigManager, createForwardingEventProcessor } from "@optimizely/optimizely-sdk";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(8000);
const datafile = {
  version: "4", rollouts: [], typedAudiences: [], anonymizeIP: false, projectId: "24609876543", variables: [],
  featureFlags: [{ id: "311", key: "chat_v2", rolloutId: "", experimentIds: ["411"], variables: [] }],
  experiments: [{ id: "411", key: "chat_v2_test", status: "Running", layerId: "511",
    variations: [{ id: "611", key: "on", featureEnabled: true, variables: [] }],
    trafficAllocation: [{ entityId: "611", endOfRange: 10000 }], audienceIds: [], audienceConditions: [], forcedVariations: {} }],
  audiences: [], groups: [], attributes: [{ id: "711", key: "device_id" }, { id: "712", key: "phone" }, { id: "713", key: "postcode" }],
  botFiltering: false, accountId: "24609876540", events: [{ id: "811", key: "message_sent", experimentIds: ["411"] }],
  revision: "3", sendFlagDecisions: true, integrations: [], environmentKey: "production", sdkKey: "Qz9xW8vU7tS6rR5qP4oN3",
};
let client;
await step("create", () => {
  client = createInstance({ projectConfigManager: createStaticProjectConfigManager({ datafile: JSON.stringify(datafile) }),
    eventProcessor: createForwardingEventProcessor() });
});
await step("ready", () => client.onReady({ timeout: 3000 }));
await step("decideAll + track", () => {
  const ctx = client.createUserContext(user.id, { device_id: device.android_id, phone: user.phone, postcode: user.postcode });
  ctx.decideAll();
  ctx.trackEvent("message_sent", { thread: "thr_8812" });
});
await sleep(2000);
log("done");
