// Optimizely Feature Experimentation JavaScript SDK (@optimizely/optimizely-sdk), held-out set h4: an anonymous visitor
// decides, then the logged-in user tracks events with tags and attributes.
import { createInstance, createStaticProjectConfigManager, createForwardingEventProcessor } from "@optimizely/optimizely-sdk";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(8000);
const datafile = {
  version: "4", rollouts: [], typedAudiences: [], anonymizeIP: false, projectId: "24611112222", variables: [],
  featureFlags: [{ id: "321", key: "search_ranking_v3", rolloutId: "", experimentIds: ["421"], variables: [] }],
  experiments: [{ id: "421", key: "search_ranking_test", status: "Running", layerId: "521",
    variations: [{ id: "621", key: "treatment", featureEnabled: true, variables: [] }],
    trafficAllocation: [{ entityId: "621", endOfRange: 10000 }], audienceIds: [], audienceConditions: [], forcedVariations: {} }],
  audiences: [], groups: [], attributes: [{ id: "721", key: "logged_in" }, { id: "722", key: "email" }, { id: "723", key: "city" }, { id: "724", key: "device_model" }],
  botFiltering: false, accountId: "24611112220", events: [{ id: "821", key: "search_result_clicked", experimentIds: ["421"] },
    { id: "822", key: "application_sent", experimentIds: ["421"] }],
  revision: "5", sendFlagDecisions: true, integrations: [], environmentKey: "production", sdkKey: "Lm3Nb5Vc7Xz9As1Df3Gh5",
};
let client;
await step("create", () => {
  client = createInstance({ projectConfigManager: createStaticProjectConfigManager({ datafile: JSON.stringify(datafile) }),
    eventProcessor: createForwardingEventProcessor() });
});
await step("ready", () => client.onReady({ timeout: 3000 }));
await step("anonymous decide", () => client.createUserContext("anon-7f3e9c21", { logged_in: false, device_model: device.model }).decide("search_ranking_v3"));
await step("logged-in events", () => {
  const ctx = client.createUserContext(user.id, { logged_in: true, email: user.email, city: user.city });
  ctx.trackEvent("search_result_clicked", { query: "Ausbildung Industriekauffrau", position: 2 });
  ctx.trackEvent("application_sent", { revenue: 0, job_id: "job_5120", employer: "Kanzlei Richter & Sohn" });
});
await sleep(2000);
log("done");
