// Datadog RUM (@datadog/browser-rum) on the US5 site, with feature-flag tracking and an account.
import { datadogRum } from "@datadog/browser-rum";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(11000);
await step("init", () => datadogRum.init({ applicationId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", clientToken: "pub0a1b2c3d4e5f60718293a4b5c6d7e8f9",
  site: "us5.datadoghq.com", service: "azubiapp-webview", env: "prod", version: "3.4.2", sessionSampleRate: 100,
  sessionReplaySampleRate: 0, trackUserInteractions: true, trackResources: false, trackLongTasks: false,
  sessionPersistence: "local-storage", trackViewsManually: true, enableExperimentalFeatures: ["feature_flags"] }));
await step("user", () => datadogRum.setUser({ id: user.id, email: user.email, plan: "free" }));
await step("account", () => datadogRum.setAccount?.({ id: "acct_berlin_7", name: "Berufsschule Mitte" }));
await step("view", () => datadogRum.startView({ name: "Search" }));
await step("flags", () => datadogRum.addFeatureFlagEvaluation("new_onboarding", true));
await step("search", () => datadogRum.addAction("search", { query: "Ausbildung Kfz-Mechatronik", results: 12 }));
await step("timing", () => datadogRum.addTiming("results_rendered"));
await step("context", () => datadogRum.setGlobalContextProperty("device", { id: device.android_id, model: device.model }));
await sleep(1000);
await step("view 2", () => datadogRum.startView({ name: "Profile" }));
log("done");
