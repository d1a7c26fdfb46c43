// Countly's Node.js SDK (countly-sdk-nodejs) from an app backend, to Countly's hosted service.
import Countly from "countly-sdk-nodejs";
import { user, device, step } from "./_app.mjs";

await step("init", () => Countly.init({ app_key: "5e1d9c7a2b4f6e8d0c1a3b5d7f9e2c4a6b8d0f1e", url: "https://azubiapp.count.ly",
  device_id: user.id, app_version: "3.4.1", debug: true, interval: 300, fail_timeout: 1, storage_path: "/srv/home/countly/",
  metrics: { _os: "Android", _os_version: device.os_version, _device: device.model, _carrier: device.carrier } }));
await step("session", () => Countly.begin_session(true));
await step("user", () => Countly.user_details({ name: `${user.first_name} ${user.last_name}`, email: user.email, phone: user.phone,
  custom: { city: user.city, postcode: user.postcode } }));
await step("events", () => {
  Countly.add_event({ key: "interview_booked", count: 1, segmentation: { job_id: "job_4471", slot: "Mo 09:00" } });
  Countly.add_event({ key: "search", count: 1, segmentation: { query: "Ausbildung Mechatroniker Berlin" } });
});
await step("error", () => Countly.log_error(new Error("PDF export failed: ENOSPC")));
await new Promise((resolve) => setTimeout(resolve, 4000));
await step("end", () => Countly.end_session());
await new Promise((resolve) => setTimeout(resolve, 2000));
process.exit(0);
