// Datadog RUM and Logs (@datadog/browser-rum, @datadog/browser-logs), EU site.
import { datadogRum } from "@datadog/browser-rum";
import { datadogLogs } from "@datadog/browser-logs";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
const common = { clientToken: "pub3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e", site: "datadoghq.eu", service: "azubiapp-webview",
  env: "prod", version: "3.4.1", sessionSampleRate: 100, sessionPersistence: "local-storage" };
await step("rum init", () => datadogRum.init({ ...common, applicationId: "6f0c2b1e-8d4a-4c3b-9e7f-1a2b3c4d5e6f",
  sessionReplaySampleRate: 0, trackUserInteractions: true, trackResources: true, trackLongTasks: true,
  defaultPrivacyLevel: "allow", trackViewsManually: true }));
await step("logs init", () => datadogLogs.init({ ...common, forwardErrorsToLogs: true }));
await step("user", () => {
  const u = { id: user.id, name: `${user.first_name} ${user.last_name}`, email: user.email, phone: user.phone };
  datadogRum.setUser(u);
  datadogLogs.setUser(u);
  datadogRum.setGlobalContextProperty("device", { advertising_id: device.advertising_id, carrier: device.carrier });
});
await step("view", () => datadogRum.startView({ name: "JobDetail" }));
// The app's own API call with its session token in the query string, as some apps do: RUM records
// the resource URL.
await step("first-party API", () => fetch("https://api.azubiapp.de/v2/me?access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhenViaS01ODIxMyIsImV4cCI6MTc5NjQwMDAwMH0.Qm9ndXNTaWduYXR1cmVGb3JUZXN0cw"));
await step("action", () => {
  document.getElementById("apply").click();
  datadogRum.addAction("application_submitted", { job_id: "job_4471", city: user.city });
});
await step("error", () => datadogRum.addError(new TypeError("Cannot read properties of undefined (reading 'jobId')"), { screen: "JobDetail" }));
await step("log", () => datadogLogs.logger.info("application submitted", { job_id: "job_4471", email: user.email }));
await sleep(1000);
await step("view 2", () => datadogRum.startView({ name: "Chat" }));
log("done");
