// Statsig JavaScript client (@statsig/js-client): a user update after login, a layer and events with metadata.
import { StatsigClient } from "@statsig/js-client";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(9000);
const client = new StatsigClient("client-Qw8eR4tY6uI0oP2aS4dF6gH8jK0lZ2xC4vB6", { customIDs: { stableID: "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e" } },
  { environment: { tier: "production" } });
await step("initialize anonymous", () => client.initializeAsync());
await step("login", () => client.updateUserAsync({ userID: user.id, email: user.email, ip: "192.168.178.42",
  custom: { birth_year: 2007, postcode: user.postcode }, privateAttributes: { phone: user.phone } }));
await step("layer", () => client.getLayer("onboarding_layer").get("cta_text", "Jetzt bewerben"));
await step("event", () => client.logEvent("cv_uploaded", "pdf", { pages: "2", size_kb: "184" }));
await step("flush", () => client.flush());
await sleep(800);
log("done");
