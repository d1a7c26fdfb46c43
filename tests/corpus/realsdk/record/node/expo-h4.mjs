// Expo push (expo-server-sdk), held-out set h4: a chat push with subtitle, category and rich content, a silent
// data push, and receipts for several tickets.
import { Expo } from "expo-server-sdk";
import { user, step } from "./_app.mjs";

const expo = new Expo({ accessToken: "expo-access-token-h4-9c2e1d" });
const to = "ExponentPushToken[aB3cD5eF7gH9iJ1kL3mN5o]";
await step("chat push", () => expo.sendPushNotificationsAsync([{ to, title: "Kanzlei Richter & Sohn", subtitle: "Neue Nachricht",
  body: "Donnerstag 14 Uhr passt uns, bitte klingeln bei Richter.", categoryId: "chat_reply", mutableContent: true,
  richContent: { image: "https://cdn.azubiapp.de/logos/richter.png" }, data: { thread_id: "thr_9034", recipient: user.id } }]));
await step("silent push", () => expo.sendPushNotificationsAsync([{ to, _contentAvailable: true, priority: "normal",
  data: { sync: "applications", user_email: user.email } }]));
await step("receipts", () => expo.getPushNotificationReceiptsAsync(["1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9", "2a3b4c5d-6e7f-4809-9a1b-2c3d4e5f6a7b", "3b4c5d6e-7f80-4a1b-8c2d-3e4f5a6b7c8d"]));
