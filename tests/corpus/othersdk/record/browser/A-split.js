// Split (Harness FME) JavaScript SDK (@splitsoftware/splitio): flag definitions and the user's
// segment memberships, treatments evaluated with attributes, impressions and a tracked event.
import { SplitFactory } from "@splitsoftware/splitio";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(14000);
const factory = SplitFactory({ core: { authorizationKey: "k3mp9qr2ty7vz1ab4cd6ef8gh0jk2lm4np6qr8s", key: user.id, trafficType: "user" },
  streamingEnabled: false, scheduler: { impressionsRefreshRate: 2, eventsPushRate: 2, telemetryRefreshRate: 3600 },
  sync: { impressionsMode: "DEBUG" }, debug: false });
const client = factory.client();
await step("ready", () => client.whenReady());
await step("treatment", () => log("treatment", client.getTreatment("new_onboarding", { city: user.city, plan: "free", device_model: device.model })));
await step("track", () => client.track("user", "application_submitted", 1, { job_id: "job_4471", company: "Bäckerei Krume" }));
await step("track purchase", () => client.track("user", "purchase", 4.99, { product_id: "premium_month", currency: "EUR" }));
await sleep(3000);
await step("destroy", () => client.destroy());
log("done");
