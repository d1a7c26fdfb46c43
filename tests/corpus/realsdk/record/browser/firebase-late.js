// Firebase JS SDK (firebase): a second app instance's installation and remote config with other custom signals.
import { initializeApp } from "firebase/app";
import { getInstallations, getId } from "firebase/installations";
import { getRemoteConfig, fetchAndActivate, setCustomSignals } from "firebase/remote-config";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
const app = initializeApp({ apiKey: "AIzaSyB-7nPq2Rs4Tu6Vw8Xy0Za2Bc4De6Fg8Hi", projectId: "azubiapp-prod",
  appId: "1:987654321098:web:0a1b2c3d4e5f6a7b8c9d0e", messagingSenderId: "987654321098" });
await step("installation id", async () => log("fid", await getId(getInstallations(app))));
const rc = getRemoteConfig(app);
rc.settings.minimumFetchIntervalMillis = 0;
await step("custom signals", () => setCustomSignals(rc, { user_id: user.id, device_model: device.model, postcode: user.postcode }));
await step("remote config", () => fetchAndActivate(rc));
await sleep(1000);
log("done");
