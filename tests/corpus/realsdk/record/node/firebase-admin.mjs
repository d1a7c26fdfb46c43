// Firebase Admin SDK for Node.js (firebase-admin): FCM send and topic subscription from an app backend.
import { generateKeyPairSync } from "node:crypto";
import { initializeApp, cert } from "firebase-admin/app";
import { getMessaging } from "firebase-admin/messaging";
import { user, device, step } from "./_app.mjs";

// A key made for this run only: the service account is fictional.
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
initializeApp({ credential: cert({ projectId: "azubiapp-demo",
  clientEmail: "firebase-adminsdk-x1y2z@azubiapp-demo.iam.gserviceaccount.com", privateKey }) });
const messaging = getMessaging();
await step("send", () => messaging.send({
  token: device.push_token,
  notification: { title: "Neue Nachricht von Bäckerei Krume", body: `Hallo ${user.first_name}, wir laden dich zum Vorstellungsgespräch ein.` },
  data: { user_id: user.id, thread_id: "thr_8812", screen: "Chat" },
  android: { priority: "high", notification: { channelId: "chat" } },
}));
await step("sendEach", () => messaging.sendEach([
  { token: device.push_token, data: { type: "reminder", job_id: "job_4471" } },
  { topic: "jobs-berlin", notification: { title: "Neue Ausbildungsplätze in Berlin" } },
]));
await step("subscribe", () => messaging.subscribeToTopic([device.push_token], "jobs-berlin"));
