// Expo push (expo-server-sdk): a chunked batch to two of the user's devices, with a location-based reminder.
import { Expo } from "expo-server-sdk";
import { user, step } from "./_app.mjs";

const expo = new Expo();
const messages = ["ExponentPushToken[xXk3mP9qR2tY7vZ1aB4cD6]", "ExponentPushToken[pQ8wE2rT5yU1iO4pA7sD3f]"].map((to) => ({
  to, title: "Erinnerung", body: `${user.first_name}, dein Termin ist morgen um 9 Uhr in der Invalidenstraße`,
  data: { kind: "interview_reminder", lat: 52.5301, lng: 13.3847, employer: "Bäckerei Krume" }, priority: "high", channelId: "reminders" }));
await step("send chunks", async () => {
  for (const chunk of expo.chunkPushNotifications(messages)) await expo.sendPushNotificationsAsync(chunk);
});
