// Twilio's Node helper library (twilio): a WhatsApp message with the user's reply and a status lookup.
import twilio from "twilio";
import { user, step } from "./_app.mjs";

const client = twilio("AC0123456789abcdef0123456789abcdef", "f0e1d2c3b4a5968778695a4b3c2d1e0f");
await step("whatsapp", () => client.messages.create({ from: "whatsapp:+4915790000000", to: `whatsapp:${user.phone}`,
  body: "Deine Nachricht an Bäckerei Krume: \"Ich komme 10 Minuten später, Bus hat Verspätung.\"" }));
await step("list", () => client.messages.list({ to: `whatsapp:${user.phone}`, limit: 5 }));
