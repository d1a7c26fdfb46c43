// Pusher Beams server SDK (@pusher/push-notifications-server): publish to an authenticated user
// and to an interest, then delete the user.
import PushNotifications from "@pusher/push-notifications-server";
import { user, step } from "./_app.mjs";

const beams = new PushNotifications({ instanceId: "8f3c2a1b-9e8d-4c7f-a6b5-4c3d2e1f0a9b", secretKey: "A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8A9B0C1D2E3F4A5B6C7D8E9F0A1B2" });
await step("publish user", () => beams.publishToUsers([user.id], { fcm: { notification: { title: "Bewerbung angekommen",
  body: "Hallo Lena, Bäckerei Krume hat deine Bewerbung gelesen." }, data: { job_id: "job_4471" } },
  web: { notification: { title: "Bewerbung angekommen", body: "Bäckerei Krume hat deine Bewerbung gelesen." } } }));
await step("publish interest", () => beams.publishToInterests(["jobs-berlin-baecker"], { fcm: { notification: { title: "Neue Stelle",
  body: "Ausbildung Bäcker/in in Berlin-Mitte" } } }));
await step("delete user", () => beams.deleteUser(user.id));
