// APNs over HTTP/2 (apns2) to the sandbox, a rich notification and a live-activity-style update.
import { generateKeyPairSync } from "node:crypto";
import { ApnsClient, Notification } from "apns2";
import { user, step } from "./_app.mjs";

const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1",
  privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
const client = new ApnsClient({ team: "ABCDE12345", keyId: "KEY7654321", signingKey: privateKey,
  defaultTopic: "de.azubiapp.demo", host: "api.sandbox.push.apple.com" });
const token = "9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b";
await step("rich", () => client.send(new Notification(token, {
  alert: { title: `Neue Nachricht für ${user.first_name} ${user.last_name}`, body: "Frau Krume: Bitte bring deinen Ausweis mit." },
  mutableContent: true, category: "CHAT_REPLY", data: { thread_id: "thr_8812", sender: "Bäckerei Krume", user_email: user.email },
})));
