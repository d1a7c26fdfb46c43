// Branch Web SDK (branch-sdk), held-out set h4: a logged-out SEARCH, registration with customer data,
// identity after login, a custom chat event, logout.
import branch from "branch-sdk";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(10000);
const call = (fn, ...args) => new Promise((resolve) => fn.call(branch, ...args, (err, data) => {
  if (err) log("branch error", String(err));
  resolve(data);
}));
await step("init", () => call(branch.init, "key_live_Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7Qr9St1Uv", { no_journeys: true }));
await step("SEARCH", () => call(branch.logEvent, "SEARCH", { search_query: "Ausbildung Elektronikerin Berlin Mitte" }));
await step("COMPLETE_REGISTRATION", () => call(branch.logEvent, "COMPLETE_REGISTRATION",
  { customer_email: user.email, customer_phone: user.phone, customer_first_name: user.first_name, customer_last_name: user.last_name, description: "email signup" }));
await step("setIdentity", () => call(branch.setIdentity, user.id));
await step("chat event", () => call(branch.logEvent, "chat_message_sent", { thread_id: "thr_9034", message: "Ich hätte am Donnerstag ab 14 Uhr Zeit." }));
await sleep(800);
await step("logout", () => call(branch.logout));
log("done");
