// Matomo's Node.js tracker (matomo-tracker) against Matomo Cloud (the hosted service), with a goal and a content impression.
import MatomoTracker from "matomo-tracker";
import { person, user, device, step } from "./_app.mjs";

const matomo = new MatomoTracker(7, "https://azubiapp.matomo.cloud/matomo.php");
matomo.on("error", (err) => console.log("[sdk] matomo error", String(err)));
const common = { _id: "0f1e2d3c4b5a6978", uid: user.email, ua: person.webview_user_agent, lang: "de-DE", res: "1080x2340",
  dimension2: device.model, dimension3: user.city };
const track = (params) => new Promise((resolve) => { matomo.track({ ...common, ...params }); setTimeout(resolve, 400); });
await step("goal", () => track({ url: "app://de.azubiapp.demo/onboarding/done", idgoal: 2, action_name: "Onboarding/Done" }));
await step("content", () => track({ url: "app://de.azubiapp.demo/home", c_n: "banner_premium", c_p: "Premium 30% Rabatt", c_i: "click" }));
