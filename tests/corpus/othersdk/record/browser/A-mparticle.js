// mParticle web SDK (@mparticle/web-sdk), EU pod, without the remote config: identify with e-mail
// and customer id, user attributes, page view, search event, commerce purchase, location.
import mParticle from "@mparticle/web-sdk";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(14000);
await step("init", () => new Promise((resolve) => { mParticle.init("eu1-3f8e2c1a9b7d4e6f8a0c2e4b6d8f1a3c", {
  isDevelopmentMode: false, requestConfig: false, uploadInterval: 1000, logLevel: "warning",
  identifyRequest: { userIdentities: { email: user.email, customerid: user.id, mobile_number: user.phone } },
  identityCallback: (result) => { log("identity", JSON.stringify(result && result.body ? result.body : {})); resolve(); } });
  setTimeout(resolve, 4000); }));
await step("attributes", () => { const u = mParticle.Identity.getCurrentUser(); if (!u) throw new Error("no user");
  u.setUserAttribute("$FirstName", user.first_name); u.setUserAttribute("$LastName", user.last_name);
  u.setUserAttribute("$City", user.city); u.setUserAttribute("$Zip", user.postcode); u.setUserAttribute("device_model", device.model); });
await step("location", () => mParticle.setPosition(52.520008, 13.404954));
await step("page", () => mParticle.logPageView("JobDetail", { job_id: "job_4471" }));
await step("search", () => mParticle.logEvent("Job Search", mParticle.EventType.Search, { query: "Ausbildung Bäcker", city: user.city }));
await step("apply", () => mParticle.logEvent("Application Submitted", mParticle.EventType.Other, { job_id: "job_4471", company: "Bäckerei Krume" }));
await step("purchase", () => { const p = mParticle.eCommerce.createProduct("Premium 1 Monat", "PREM-1M", 4.99, 1);
  const t = mParticle.eCommerce.createTransactionAttributes("ord_20261204_0042", "AzubiApp", null, 4.99);
  mParticle.eCommerce.logProductAction(mParticle.ProductActionType.Purchase, [p], null, null, t); });
await step("upload", () => mParticle.upload());
await sleep(2500);
log("done");
