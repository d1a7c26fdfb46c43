// Plausible's official tracker (plausible-tracker): page views and a custom goal with props.
import Plausible from "plausible-tracker";
import { log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(8000);
const { trackPageview, trackEvent } = Plausible({ domain: "azubiapp.de", apiHost: "https://plausible.io", trackLocalhost: true });
await step("page", () => trackPageview({ url: "https://azubiapp.de/jobs/job_4471" }));
await step("goal", () => trackEvent("Application Submitted", { props: { job_id: "job_4471", plan: "free" } }, { url: "https://azubiapp.de/jobs/job_4471/apply" }));
await sleep(2000);
log("done");
