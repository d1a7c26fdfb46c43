// Singular web SDK (singular-sdk): init with a custom user id, page visit, login, an event and a
// revenue event.
import { singularSdk, SingularConfig } from "singular-sdk";
import { user, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
await step("init", () => singularSdk.init(new SingularConfig("azubiapp_3f8e2c1a", "8a0c2e4b6d8f1a3c5e7a9c2e4f6b8d0a", "de.azubiapp.demo")
  .withCustomUserId(user.id).withProductName("AzubiApp")));
await sleep(1000);
await step("page", () => singularSdk.pageVisit());
await step("login", () => singularSdk.login(user.id));
await step("event", () => singularSdk.event("application_submitted", { job_id: "job_4471", company: "Bäckerei Krume" }));
await step("revenue", () => singularSdk.revenue("purchase", "EUR", 4.99, { product_id: "premium_month", order_id: "ord_20261204_0042" }));
await sleep(3000);
log("done");
