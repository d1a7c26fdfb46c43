// Twilio's Node helper library (twilio), held-out set h4: Verify over e-mail, a Conversation for an application with
// an SMS participant, a message with the user's question, an SMS with a status callback.
import twilio from "twilio";
import { user, step } from "./_app.mjs";

const client = twilio("AC9876543210fedcba9876543210fedcba", "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
await step("verify email", () => client.verify.v2.services("VA9876543210fedcba9876543210fedcba").verifications.create({
  to: user.email, channel: "email", channelConfiguration: { substitutions: { first_name: user.first_name } } }));
await step("conversation", () => client.conversations.v1.conversations.create({ friendlyName: `Bewerbung ${user.first_name} ${user.last_name} – Kanzlei Richter`,
  uniqueName: `application-job_5120-${user.id}` }));
await step("participant", () => client.conversations.v1.conversations("CH9876543210fedcba9876543210fedcba").participants.create({
  "messagingBinding.address": user.phone, "messagingBinding.proxyAddress": "+4915790000001" }));
await step("message", () => client.conversations.v1.conversations("CH9876543210fedcba9876543210fedcba").messages.create({
  author: user.phone, body: "Muss ich zum Vorstellungsgespräch mein Abschlusszeugnis im Original mitbringen?" }));
await step("sms with callback", () => client.messages.create({ from: "+4915790000001", to: user.phone,
  body: "Dein Code für AzubiApp: 739204", statusCallback: `https://api.azubiapp.de/v2/sms-status?user=${user.id}` }));
