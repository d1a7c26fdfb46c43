// Countly's Node.js SDK (countly-sdk-nodejs) against the app's own self-hosted Countly server (first party).
import Countly from "countly-sdk-nodejs";
import { user, device, step } from "./_app.mjs";

await step("init", () => Countly.init({ app_key: "0f9e8d7c6b5a49382716a5b4c3d2e1f0a9b8c7d6", url: "https://countly.azubiapp.de",
  device_id: device.android_id, app_version: "3.4.2", interval: 300, fail_timeout: 1, storage_path: "/srv/home/countly-selfhosted/",
  metrics: { _os: "Android", _os_version: device.os_version, _device: device.model, _locale: "de_DE" } }));
await step("session", () => Countly.begin_session(true));
await step("view", () => Countly.track_view("ApplicationForm", { job_id: "job_4471" }));
await step("event", () => Countly.add_event({ key: "form_abandoned", count: 1, dur: 37, segmentation: { step: "upload_cv" } }));
await step("user", () => Countly.user_details({ username: "lena_b", byear: 2007, custom: { school: "Berufsschule Mitte" } }));
await new Promise((resolve) => setTimeout(resolve, 3000));
process.exit(0);
