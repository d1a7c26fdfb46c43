// Branch Web SDK (branch-sdk): commerce VIEW_ITEM and ADD_TO_CART events with customer data, then logout.
import branch from "branch-sdk";
import { user, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(9000);
const call = (fn, ...args) => new Promise((resolve) => fn.call(branch, ...args, (err, data) => {
  if (err) log("branch error", String(err));
  resolve(data);
}));
await step("init", () => call(branch.init, "key_live_pq7Wx2Yz4Ab6Cd8Ef0Gh1Ij3Kl5Mn7Op", { no_journeys: true }));
await step("setIdentity", () => call(branch.setIdentity, user.email));
await step("VIEW_ITEM", () => call(branch.logEvent, "VIEW_ITEM", { customer_first_name: user.first_name, customer_city: user.city },
  [{ $canonical_identifier: "job/4471", $og_title: "Ausbildung Bäckerin", $content_schema: "COMMERCE_OTHER" }]));
await step("ADD_TO_CART", () => call(branch.logEvent, "ADD_TO_CART", { currency: "EUR", revenue: 9.99 },
  [{ $sku: "premium_year", $price: 9.99, $quantity: 1 }]));
await sleep(1000);
await step("logout", () => call(branch.logout));
log("done");
