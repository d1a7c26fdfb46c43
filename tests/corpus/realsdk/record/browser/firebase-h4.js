// Firebase JS SDK (firebase), held-out set h4: installations and remote config of another project with custom signals
// describing the logged-in user's state, fetched again after a logout.
import { initializeApp } from "firebase/app";
import { getInstallations, getId, getToken } from "firebase/installations";
import { getRemoteConfig, fetchAndActivate, setCustomSignals } from "firebase/remote-config";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(14000);
const app = initializeApp({ apiKey: "AIzaSyC-3kLm5No7Pq9Rs1Tu3Vw5Xy7Za9Bc1De3", projectId: "azubiapp-eu",
  appId: "1:555666777888:web:1a2b3c4d5e6f7a8b9c0d1e", messagingSenderId: "555666777888" });
await step("installation id", async () => log("fid", await getId(getInstallations(app))));
await step("installation token", () => getToken(getInstallations(app), true));
const rc = getRemoteConfig(app);
rc.settings.minimumFetchIntervalMillis = 0;
await step("custom signals (logged in)", () => setCustomSignals(rc, { logged_in: "true", account_email: user.email,
  last_search: "Ausbildung Mediengestalterin", applications_sent: 3, city: user.city }));
await step("remote config", () => fetchAndActivate(rc));
await sleep(800);
await step("custom signals (logged out)", () => setCustomSignals(rc, { logged_in: "false", account_email: null, applications_sent: null }));
await step("remote config 2", () => fetchAndActivate(rc));
await sleep(800);
log("done");
