// Apple Push Notification service over HTTP/2 with a token-based (JWT) key, via the apns2 client.
import { generateKeyPairSync } from "node:crypto";
import { ApnsClient, Notification, Priority } from "apns2";
import { user, device, step } from "./_app.mjs";

// A signing key made for this run only.
const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1",
  privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
const client = new ApnsClient({ team: "ABCDE12345", keyId: "KEY1234567", signingKey: privateKey,
  defaultTopic: "de.azubiapp.demo", host: "api.push.apple.com" });
await step("alert", () => client.send(new Notification(device.apns_token, {
  alert: { title: "Bäckerei Krume", body: `Hallo ${user.first_name}, passt dir Montag 9 Uhr?` },
  badge: 1, sound: "default", threadId: "thr_8812", data: { user_id: user.id, screen: "Chat" },
})));
await step("background", () => client.send(new Notification(device.apns_token, {
  contentAvailable: true, priority: Priority.throttled, data: { sync: "applications", user_id: user.id },
})));
client.close?.();
