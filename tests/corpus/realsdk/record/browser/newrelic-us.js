// New Relic browser agent (@newrelic/browser-agent), US data centre, with a route change and a release.
import { BrowserAgent } from "@newrelic/browser-agent/loaders/browser-agent";
import { user, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(10000);
const ids = { accountID: "4567890", trustKey: "4567890", agentID: "701234568", licenseKey: "NRJS-9f8e7d6c5b4a39281706",
  applicationID: "701234568" };
let agent;
await step("init", () => {
  agent = new BrowserAgent({ init: { privacy: { cookies_enabled: true }, ajax: { deny_list: ["bam.nr-data.net"] } },
    info: { beacon: "bam.nr-data.net", errorBeacon: "bam.nr-data.net", licenseKey: ids.licenseKey, applicationID: ids.applicationID, sa: 1 },
    loader_config: ids });
});
await sleep(1000);
await step("user", () => { agent.setUserId(user.id); agent.setApplicationVersion("3.4.2"); agent.addRelease("webview", "3.4.2"); });
await step("route", () => { history.pushState({}, "", "/jobs/4471"); agent.setCurrentRouteName?.("/jobs/:id"); });
await step("action", () => agent.addPageAction("bookmark_job", { job_id: "job_4471", email: user.email }));
await step("error", () => agent.noticeError(new TypeError(`Cannot read properties of null (reading 'slot') for ${user.id}`)));
await sleep(3000);
log("done");
