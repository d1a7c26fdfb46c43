// OneSignal's Node client (@onesignal/node-onesignal): create the user with a push subscription
// (FCM token), then a push to that user by external id that relays a chat message.
import * as OneSignal from "@onesignal/node-onesignal";
import { user, device, step } from "./_app.mjs";

const appId = "5b7e1c2d-9f0a-4b3c-8d6e-2f1a0b9c8d7e";
const client = new OneSignal.DefaultApi(OneSignal.createConfiguration({ restApiKey: "os_v2_app_xk3mp9qr2ty7vz1ab4cd6ef8gh0jk2lm" }));
await step("user", () => client.createUser(appId, { identity: { external_id: user.id },
  properties: { tags: { city: user.city, plan: "free" }, language: "de", timezone_id: device.timezone, lat: 52.520008, long: 13.404954, country: "DE" },
  subscriptions: [{ type: "AndroidPush", token: device.push_token, enabled: true, device_model: device.model, device_os: "14" },
    { type: "Email", token: user.email }] }));
const n = new OneSignal.Notification();
n.app_id = appId;
n.include_aliases = { external_id: [user.id] };
n.target_channel = "push";
n.headings = { en: "New message", de: "Neue Nachricht" };
n.contents = { en: "Bäckerei Krume: Hi Lena, can you come on Tuesday at 9?", de: "Bäckerei Krume: Hallo Lena, können Sie Dienstag um 9 Uhr?" };
n.data = { conversation_id: "conv_88123", job_id: "job_4471" };
await step("push", () => client.createNotification(n));
