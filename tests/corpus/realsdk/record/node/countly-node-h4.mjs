// Countly's Node.js SDK (countly-sdk-nodejs), held-out set h4: the advertising id as Countly device id (as some
// apps do), country and IP given at init, a timed event, user data operations, a network trace, a crash with logs.
import Countly from "countly-sdk-nodejs";
import { user, device, step } from "./_app.mjs";

await step("init", () => Countly.init({ app_key: "3b5d7f9e1c2a4b6d8f0e1c3a5b7d9f2e4c6a8b0d", url: "https://azubiapp.count.ly",
  device_id: device.advertising_id, app_version: "3.5.0", interval: 300, fail_timeout: 1, storage_path: "/srv/home/countly-h4/",
  country_code: user.country, ip_address: "192.168.178.42",
  metrics: { _os: "Android", _os_version: device.os_version, _device: device.model, _carrier: device.carrier, _locale: "de_DE" } }));
await step("session", () => Countly.begin_session(true));
await step("timed event", async () => {
  Countly.start_event("application_form");
  await new Promise((resolve) => setTimeout(resolve, 1200));
  Countly.end_event({ key: "application_form", segmentation: { job_id: "job_5120", step_reached: "attachments" } });
});
await step("user data", () => {
  Countly.userData.set("preferred_trade", "Einzelhandel");
  Countly.userData.push("saved_jobs", "job_5120");
  Countly.userData.save();
});
await step("trace", () => Countly.report_trace({ type: "network", name: "/v2/applications", stz: Date.now() - 240, etz: Date.now(),
  apm_metrics: { response_time: 240, response_code: 201, request_payload_size: 1830, response_payload_size: 96 } }));
await step("crash", () => {
  Countly.add_log(`upload started by ${user.email}`);
  Countly.log_error(new Error("EPIPE while streaming Lebenslauf.pdf"), { job_id: "job_5120" });
});
await new Promise((resolve) => setTimeout(resolve, 3000));
await step("end", () => Countly.end_session());
await new Promise((resolve) => setTimeout(resolve, 1500));
process.exit(0);
