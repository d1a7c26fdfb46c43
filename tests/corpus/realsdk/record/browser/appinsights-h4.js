// Microsoft Application Insights JavaScript SDK (@microsoft/applicationinsights-web), held-out set h4, Germany West
// Central: an anonymous page view, login (authenticated context), an event with measurements, a dependency, logout.
import { ApplicationInsights } from "@microsoft/applicationinsights-web";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(11000);
const ai = new ApplicationInsights({ config: {
  connectionString: "InstrumentationKey=2d4f6a8c-0e1b-4c3d-9e5f-7a9b1c3d5e7f;IngestionEndpoint=https://germanywestcentral-1.in.applicationinsights.azure.com/;LiveEndpoint=https://germanywestcentral.livediagnostics.monitor.azure.com/",
  disableFetchTracking: true, maxBatchInterval: 1000, disableCookiesUsage: false } });
await step("load", () => ai.loadAppInsights());
await step("anonymous page view", () => ai.trackPageView({ name: "JobSearch", uri: "https://app.azubiapp.de/suche?q=Ausbildung%20Kauffrau" }));
await step("login", () => ai.setAuthenticatedUserContext(user.id, undefined, true));
await step("event", () => ai.trackEvent({ name: "chat_message_sent" }, { thread_id: "thr_9034", text: "Ich hätte am Donnerstag ab 14 Uhr Zeit." }));
await step("dependency", () => ai.trackDependencyData({ id: "dep-1", name: "POST /v2/applications", duration: 231, success: true, responseCode: 201,
  target: "api.azubiapp.de", type: "Ajax", data: `https://api.azubiapp.de/v2/applications?user=${user.id}`,
  properties: { job_id: "job_5120" } }));
await sleep(1500);
await step("flush", () => ai.flush());
await step("logout", () => { ai.clearAuthenticatedUserContext(); ai.trackEvent({ name: "logged_out" }); ai.flush(); });
await sleep(1500);
log("done");
