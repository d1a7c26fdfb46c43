// Twilio's Node helper library (twilio): SMS, Verify, Lookup.
import twilio from "twilio";
import { user, step } from "./_app.mjs";

const client = twilio("AC0123456789abcdef0123456789abcdef", "f0e1d2c3b4a5968778695a4b3c2d1e0f");
await step("sms", () => client.messages.create({ from: "+4915790000000", to: user.phone,
  body: `Hallo ${user.first_name}, dein Vorstellungsgespräch bei Bäckerei Krume ist am Montag um 9 Uhr.` }));
await step("verify", () => client.verify.v2.services("VA0123456789abcdef0123456789abcdef").verifications.create({ to: user.phone, channel: "sms" }));
await step("verify check", () => client.verify.v2.services("VA0123456789abcdef0123456789abcdef").verificationChecks.create({ to: user.phone, code: "482913" }));
await step("lookup", () => client.lookups.v2.phoneNumbers(user.phone).fetch({ fields: "line_type_intelligence" }));
await step("conversation message", () => client.conversations.v1.conversations("CH0123456789abcdef0123456789abcdef").messages.create({
  author: user.id, body: "Hallo Frau Krume, ich komme am Montag gern um 9 Uhr. Kann ich mit dem Fahrrad kommen? Lena" }));
