// Firebase JS SDK (firebase): app, installations, remote config, messaging.
import { initializeApp } from "firebase/app";
import { getInstallations, getId, getToken } from "firebase/installations";
import { getRemoteConfig, fetchAndActivate, getValue, setCustomSignals } from "firebase/remote-config";
import { getMessaging, getToken as getFcmToken } from "firebase/messaging";
import { user, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(20000);
const app = initializeApp({ apiKey: "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", authDomain: "azubiapp-demo.firebaseapp.com",
  projectId: "azubiapp-demo", appId: "1:123456789012:web:9f8e7d6c5b4a3f2e1d0c9b", messagingSenderId: "123456789012",
  storageBucket: "azubiapp-demo.appspot.com" });
await step("installation id", async () => log("fid", await getId(getInstallations(app))));
await step("installation token", () => getToken(getInstallations(app), true));
const rc = getRemoteConfig(app);
rc.settings.minimumFetchIntervalMillis = 0;
await step("custom signals", () => setCustomSignals?.(rc, { city: user.city, plan: "free" }));
await step("remote config", async () => { await fetchAndActivate(rc); log("welcome", getValue(rc, "welcome_text").asString()); });
await step("messaging token", async () => {
  const reg = await navigator.serviceWorker.register("/firebase-messaging-sw.js");
  log("token", await getFcmToken(getMessaging(app), { vapidKey: "BKagOny0KF_2pCJQ3m0Nz9jY1xhzeF8rAj5JQ6qRRo5p9ZW3Qx3S0Hh1e5FQH5Q3dVY7V0v1qHk1JvC7m9XzUo8", serviceWorkerRegistration: reg }));
});
await sleep(3000);
log("done");
