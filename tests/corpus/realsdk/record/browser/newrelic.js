// New Relic browser agent (@newrelic/browser-agent), EU data centre.
import { BrowserAgent } from "@newrelic/browser-agent/loaders/browser-agent";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(14000);
const ids = { accountID: "3456789", trustKey: "3456789", agentID: "601234567", licenseKey: "NRJS-1a2b3c4d5e6f7a8b9c0",
  applicationID: "601234567" };
let agent;
await step("init", () => {
  agent = new BrowserAgent({
    init: { distributed_tracing: { enabled: true }, privacy: { cookies_enabled: true }, ajax: { deny_list: ["bam.eu01.nr-data.net"] } },
    info: { beacon: "bam.eu01.nr-data.net", errorBeacon: "bam.eu01.nr-data.net", licenseKey: ids.licenseKey,
      applicationID: ids.applicationID, sa: 1 },
    loader_config: ids,
  });
});
await sleep(1500);
await step("user", () => {
  agent.setUserId(user.id);
  agent.setCustomAttribute("email", user.email);
  agent.setCustomAttribute("advertising_id", device.advertising_id);
});
await step("action", () => agent.addPageAction("application_submitted", { job_id: "job_4471", city: user.city }));
await step("error", () => agent.noticeError(new Error("Bewerbung konnte nicht gesendet werden: HTTP 500"), { screen: "JobDetail" }));
await step("log", () => agent.log?.(`chat opened by ${user.email}`, { level: "info" }));
await sleep(4000);
log("done");
