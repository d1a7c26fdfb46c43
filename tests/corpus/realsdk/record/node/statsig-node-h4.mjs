// Statsig's server SDK for Node (statsig-node), held-out set h4: a logged-out visitor's event with metadata, then the
// logged-in user's experiment exposure and events.
import statsig from "statsig-node";
import { user, device, step } from "./_app.mjs";

await step("initialize", () => statsig.initialize("secret-Pq8wE2rT5yU1iO4pA7sD3fG6hJ9kL2zX5cV8", {
  environment: { tier: "production" }, initTimeoutMs: 3000, disableIdListsSync: true }));
await step("visitor event", () => statsig.logEvent({ customIDs: { stableID: "e7f8a9b0-c1d2-4e3f-8a4b-5c6d7e8f9a0b" } }, "job_search",
  "Ausbildung Kauffrau im Einzelhandel", { radius_km: "20", postcode: user.postcode }));
const su = { userID: user.id, email: user.email, custom: { applications: 3, school_leaving: "MSA" }, customIDs: { stableID: "e7f8a9b0-c1d2-4e3f-8a4b-5c6d7e8f9a0b" } };
await step("experiment", () => statsig.getExperiment(su, "search_ranking_v3"));
await step("events", () => {
  statsig.logEvent(su, "application_withdrawn", "job_5120", { reason: "Zusage von einem anderen Betrieb" });
  statsig.logEvent(su, "chat_message_sent", null, { thread_id: "thr_9034", text_length: "38" });
});
await step("shutdown", () => statsig.shutdownAsync(3000));
process.exit(0);
