// New Relic browser agent (@newrelic/browser-agent), held-out set h4, EU: logged out first, then setUserId,
// setCustomAttribute, addPageAction with a chat message, noticeError with custom attributes, a custom event, logout.
import { BrowserAgent } from "@newrelic/browser-agent/loaders/browser-agent";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
const ids = { accountID: "3456790", trustKey: "3456790", agentID: "601234599", licenseKey: "NRJS-5e6f7a8b9c0d1e2f3a4", applicationID: "601234599" };
let agent;
await step("init", () => {
  agent = new BrowserAgent({ init: { privacy: { cookies_enabled: true }, ajax: { deny_list: ["bam.eu01.nr-data.net"] } },
    info: { beacon: "bam.eu01.nr-data.net", errorBeacon: "bam.eu01.nr-data.net", licenseKey: ids.licenseKey, applicationID: ids.applicationID, sa: 1 },
    loader_config: ids });
});
await sleep(1200);
await step("logged-out search", () => agent.addPageAction("job_search", { query: "Ausbildung Pflegefachfrau", radius_km: 15 }));
await step("login", () => {
  agent.setUserId(user.id);
  agent.setCustomAttribute("phone", user.phone, true);
  agent.setCustomAttribute("postcode", user.postcode);
  agent.setCustomAttribute("consent_analytics", true);
});
await step("chat", () => agent.addPageAction("chat_message_sent", { thread_id: "thr_9034", text: "Ich hätte am Donnerstag ab 14 Uhr Zeit." }));
await step("error", () => agent.noticeError(new Error("Attachment rejected: Zeugnis_Lena_Beispiel.pdf too large"), { job_id: "job_5120", size_mb: 12 }));
await step("custom event", () => agent.recordCustomEvent?.("ApplicationDraftSaved", { job_id: "job_5120", fields_filled: 7, email: user.email }));
await sleep(2500);
await step("logout", () => { agent.setUserId(null); agent.setCustomAttribute("phone", null); });
await sleep(1500);
log("done");
