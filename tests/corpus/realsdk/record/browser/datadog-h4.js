// Datadog RUM + Logs (@datadog/browser-rum, @datadog/browser-logs), held-out set h4, US1 site: tracking consent
// pending until the user accepts, logs with nested context, a RUM error with context, logout clears the user.
import { datadogRum } from "@datadog/browser-rum";
import { datadogLogs } from "@datadog/browser-logs";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
const common = { clientToken: "pub9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b", site: "datadoghq.com", service: "azubiapp-webview",
  env: "prod", version: "3.5.0", sessionSampleRate: 100, sessionPersistence: "local-storage", trackingConsent: "not-granted" };
await step("rum init", () => datadogRum.init({ ...common, applicationId: "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
  sessionReplaySampleRate: 0, trackUserInteractions: true, trackResources: false, trackLongTasks: false, trackViewsManually: true }));
await step("logs init", () => datadogLogs.init({ ...common, forwardErrorsToLogs: false }));
await step("consent granted", () => { datadogRum.setTrackingConsent("granted"); datadogLogs.setTrackingConsent("granted"); });
await step("view", () => datadogRum.startView({ name: "ApplicationForm" }));
await step("login", () => {
  const u = { id: user.id, email: user.email, name: `${user.first_name} ${user.last_name}` };
  datadogRum.setUser(u);
  datadogLogs.setUser(u);
});
await step("log with context", () => datadogLogs.logger.warn("cv upload retried", {
  upload: { file_name: "Lebenslauf_Lena_Beispiel.pdf", size_kb: 812, attempt: 2 }, job: { id: "job_5120", employer: "Kanzlei Richter & Sohn" },
  network: { type: "wifi", carrier: device.carrier } }));
await step("error with context", () => datadogRum.addError(new RangeError("Invalid date in availability picker"),
  { form_step: "availability", input: "31.02.2027" }));
await sleep(1200);
await step("logout", () => { datadogRum.clearUser(); datadogLogs.clearUser(); datadogRum.startView({ name: "Login" }); });
log("done");
