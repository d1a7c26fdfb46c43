// Statsig JavaScript client (@statsig/js-client), held-out set h4: logged out with a stable id, then login with a
// user object, events with metadata (search, chat), a dynamic config.
import { StatsigClient } from "@statsig/js-client";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(9000);
const client = new StatsigClient("client-Zx9Cv7Bn5Ma3Sd1Fg9Hj7Kl5Qw3Er1Ty9Ui7", { customIDs: { stableID: "e7f8a9b0-c1d2-4e3f-8a4b-5c6d7e8f9a0b" } },
  { environment: { tier: "production" } });
await step("initialize logged out", () => client.initializeAsync());
await step("search", () => client.logEvent("job_search", "Ausbildung Kauffrau im Einzelhandel", { radius_km: "20", results: "44" }));
await step("login", () => client.updateUserAsync({ userID: user.id, email: user.email,
  custom: { first_name: user.first_name, city: user.city, applications: 3 }, customIDs: { stableID: "e7f8a9b0-c1d2-4e3f-8a4b-5c6d7e8f9a0b" } }));
await step("config", () => client.getDynamicConfig("chat_settings").get("max_length", 500));
await step("chat", () => client.logEvent("chat_message_sent", "thr_9034", { text: "Ich hätte am Donnerstag ab 14 Uhr Zeit.", employer: "Kanzlei Richter & Sohn" }));
await step("flush", () => client.flush());
await sleep(800);
log("done");
