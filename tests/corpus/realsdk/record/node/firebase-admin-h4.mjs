// Firebase Admin SDK for Node.js (firebase-admin), held-out set h4: FCM messages of other shapes — data-only with a
// chat message, APNs and web push overrides, a condition — and a topic unsubscribe after the user withdrew consent.
import { generateKeyPairSync } from "node:crypto";
import { initializeApp, cert } from "firebase-admin/app";
import { getMessaging } from "firebase-admin/messaging";
import { user, device, step } from "./_app.mjs";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
initializeApp({ credential: cert({ projectId: "azubiapp-eu",
  clientEmail: "firebase-adminsdk-h4k2q@azubiapp-eu.iam.gserviceaccount.com", privateKey }) });
const messaging = getMessaging();
await step("data-only chat", () => messaging.send({ token: device.push_token,
  data: { type: "chat", thread_id: "thr_9034", sender: "Kanzlei Richter & Sohn", text: "Donnerstag 14 Uhr passt uns, bitte klingeln bei Richter." },
  android: { priority: "high", ttl: 3600000, collapseKey: "thr_9034" } }));
await step("apns override", () => messaging.send({ token: device.push_token,
  notification: { title: "Erinnerung", body: `${user.first_name}, morgen 14 Uhr Vorstellungsgespräch` },
  apns: { payload: { aps: { "interruption-level": "time-sensitive", "thread-id": "thr_9034" } }, headers: { "apns-priority": "10" } },
  webpush: { fcmOptions: { link: "https://app.azubiapp.de/chat/thr_9034" } } }));
await step("condition", () => messaging.send({ condition: "'jobs-berlin' in topics && 'einzelhandel' in topics",
  notification: { title: "12 neue Ausbildungsplätze im Einzelhandel" } }));
await step("unsubscribe", () => messaging.unsubscribeFromTopic([device.push_token], "newsletter"));
