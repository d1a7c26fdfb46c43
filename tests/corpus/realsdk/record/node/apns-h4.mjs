// Apple Push Notification service (apns2), held-out set h4: other push types — a VoIP call push naming the caller,
// a Live Activity update with the interview countdown, a localized alert with the user's name as argument, a
// location push.
import { generateKeyPairSync } from "node:crypto";
import { ApnsClient, Notification, Priority } from "apns2";
import { user, device, step } from "./_app.mjs";

const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1",
  privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
const client = new ApnsClient({ team: "ABCDE12345", keyId: "KEY4H4H4H4", signingKey: privateKey, defaultTopic: "de.azubiapp.demo", host: "api.push.apple.com" });
await step("voip", () => client.send(new Notification(device.apns_token, { type: "voip", topic: "de.azubiapp.demo.voip",
  data: { caller: "Kanzlei Richter & Sohn", callee_id: user.id, call_id: "call_5521", video: true } })));
await step("live activity", () => client.send(new Notification(device.apns_token, { type: "liveactivity", topic: "de.azubiapp.demo.push-type.liveactivity",
  aps: { timestamp: Math.floor(Date.now() / 1000), event: "update",
    "content-state": { employer: "Kanzlei Richter & Sohn", starts_at: "14:00", address: "Friedrichstraße 68, 10117 Berlin", minutes_left: 45 } } })));
await step("localized alert", () => client.send(new Notification(device.apns_token, {
  aps: { alert: { "title-loc-key": "INTERVIEW_TITLE", "loc-key": "INTERVIEW_BODY", "loc-args": [user.first_name, "Donnerstag", "14:00"] } },
  data: { job_id: "job_5120" } })));
await step("location push", () => client.send(new Notification(device.apns_token, { type: "location", topic: "de.azubiapp.demo.location-query",
  priority: Priority.immediate, data: { request_id: "loc_8812" } })));
client.close?.();
