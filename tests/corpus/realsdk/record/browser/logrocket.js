// LogRocket (logrocket): session recording with identify, track and an exception.
import LogRocket from "logrocket";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(14000);
await step("init", () => LogRocket.init("azubi/azubiapp-webview", { release: "3.4.1" }));
await step("identify", () => LogRocket.identify(user.id, { name: `${user.first_name} ${user.last_name}`, email: user.email,
  phone: user.phone, city: user.city, advertisingId: device.advertising_id }));
await step("interact", () => {
  const input = document.createElement("input");
  input.id = "search";
  document.body.appendChild(input);
  input.value = "Ausbildung Mechatroniker Berlin";
  input.dispatchEvent(new Event("input", { bubbles: true }));
  document.getElementById("apply").click();
});
await step("track", () => LogRocket.track("application_submitted", { job_id: "job_4471", revenue: 4.99 }));
await step("exception", () => LogRocket.captureException(new Error("CV upload failed")));
await step("console", () => console.warn("retrying upload for", user.email));
await sleep(5000);
log("done");
