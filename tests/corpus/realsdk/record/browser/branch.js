// Branch Web SDK (branch-sdk): init, identity, commerce and custom events.
import branch from "branch-sdk";
import { user, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(15000);
const call = (fn, ...args) => new Promise((resolve) => fn.call(branch, ...args, (err, data) => {
  if (err) log("branch error", String(err));
  resolve(data);
}));
await step("init", () => call(branch.init, "key_live_hkDytPACtipny3N9XmnbZlapBDdj4WIL", { no_journeys: true }));
await step("setIdentity", () => call(branch.setIdentity, user.id));
await step("logEvent purchase", () => call(branch.logEvent, "PURCHASE",
  { transaction_id: "order_90211", currency: "EUR", revenue: 4.99, customer_email: user.email, customer_phone: user.phone },
  [{ $og_title: "Premium Monat", $sku: "premium_month", $price: 4.99, $quantity: 1 }]));
await step("logEvent custom", () => call(branch.logEvent, "application_submitted", { job_id: "job_4471", screen: "JobDetail" }));
await step("link", () => call(branch.link, { channel: "whatsapp", feature: "share", data: { job_id: "job_4471", referrer: user.id } }));
await sleep(1500);
await step("logout", () => call(branch.logout));
log("done");
