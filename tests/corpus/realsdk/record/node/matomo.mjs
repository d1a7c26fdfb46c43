// Matomo's Node.js tracker (matomo-tracker, by matomo-org) against the app's self-hosted Matomo.
import MatomoTracker from "matomo-tracker";
import { person, user, device, step } from "./_app.mjs";

const matomo = new MatomoTracker(3, "https://analytics.azubiapp.de/matomo.php");
matomo.on("error", (err) => console.log("[sdk] matomo error", String(err)));
const common = { uid: user.id, _id: "a1b2c3d4e5f60718", ua: person.webview_user_agent, lang: "de-DE", res: "1080x2340",
  _cvar: JSON.stringify({ 1: ["plan", "free"], 2: ["city", user.city] }) };
const track = (params) => new Promise((resolve) => { matomo.track({ ...common, ...params }); setTimeout(resolve, 400); });
await step("pageview", () => track({ url: "app://de.azubiapp.demo/jobs/4471", action_name: "JobDetail" }));
await step("search", () => track({ url: "app://de.azubiapp.demo/search", search: "Ausbildung Mechatroniker Berlin", search_count: 12 }));
await step("event", () => track({ url: "app://de.azubiapp.demo/jobs/4471", e_c: "application", e_a: "submitted", e_n: "job_4471" }));
await step("ecommerce", () => track({ url: "app://de.azubiapp.demo/shop", idgoal: 0, ec_id: "order_90211", revenue: 4.99,
  ec_items: JSON.stringify([["premium_month", "Premium Monat", "subscription", 4.99, 1]]) }));
await step("bulk", () => new Promise((resolve) => {
  matomo.trackBulk([{ ...common, url: "app://de.azubiapp.demo/chat", action_name: "Chat" },
    { ...common, url: "app://de.azubiapp.demo/profile", action_name: "Profile", dimension1: user.postcode }], () => resolve());
  setTimeout(resolve, 1500);
}));
