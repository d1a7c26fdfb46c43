// Matomo's Node.js tracker (matomo-tracker), held-out set h4, against the app's self-hosted Matomo on another host:
// a logged-out site search with category, then login (user id), an outlink, a download, an event with a value,
// and a consent given.
import MatomoTracker from "matomo-tracker";
import { person, user, device, step } from "./_app.mjs";

const matomo = new MatomoTracker(5, "https://stats.azubiapp.de/matomo.php");
matomo.on("error", (err) => console.log("[sdk] matomo error", String(err)));
const common = { _id: "7c6b5a4938271605", ua: person.webview_user_agent, lang: "de-DE", res: "1080x2340" };
const track = (params) => new Promise((resolve) => { matomo.track({ ...common, ...params }); setTimeout(resolve, 400); });
await step("logged-out search", () => track({ url: "app://de.azubiapp.demo/search", search: "Ausbildung Kauffrau im Einzelhandel", search_cat: "Berlin", search_count: 44 }));
await step("login + outlink", () => track({ url: "app://de.azubiapp.demo/jobs/5120", uid: user.email, link: "https://www.richter-sohn-kanzlei.de/karriere" }));
await step("download", () => track({ url: "app://de.azubiapp.demo/jobs/5120", uid: user.email, download: "https://app.azubiapp.de/files/Lebenslauf_Lena_Beispiel.pdf" }));
await step("event", () => track({ url: "app://de.azubiapp.demo/chat/thr_9034", uid: user.email, e_c: "chat", e_a: "message_sent", e_n: "thr_9034", e_v: 38,
  dimension4: device.model }));
