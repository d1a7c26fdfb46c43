// Expo push notifications through the official expo-server-sdk.
import { Expo } from "expo-server-sdk";
import { person, user, step } from "./_app.mjs";

const expo = new Expo({ accessToken: "expo-access-token-4f7b2c9e1d" });
const to = "ExponentPushToken[xXk3mP9qR2tY7vZ1aB4cD6]";
await step("send push", async () => {
  const tickets = await expo.sendPushNotificationsAsync([
    {
      to,
      sound: "default",
      title: "Neue Nachricht",
      body: `Hallo ${user.first_name}, dein Ausbildungsbetrieb hat geantwortet: Vorstellungsgespräch am Montag 9 Uhr`,
      data: { userId: user.id, email: user.email, screen: "Chat", threadId: "thr_8812" },
    },
  ]);
  console.log(JSON.stringify(tickets));
});
await step("receipts", async () => {
  await expo.getPushNotificationReceiptsAsync(["0b6b9a7c-3f2e-4c1d-9e8f-7a6b5c4d3e2f"]);
});
