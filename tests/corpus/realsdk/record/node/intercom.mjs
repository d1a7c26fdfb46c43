// Intercom's official Node bindings (intercom-client): contact, event, conversation.
import { IntercomClient } from "intercom-client";
import { user, device, step } from "./_app.mjs";

const client = new IntercomClient({ token: "dG9rOjk4NzY1NDMyXzEyMzRfNDU2Nzo6MTIzNA==" });
await step("contact", () => client.contacts.create({ role: "user", external_id: user.id, email: user.email, phone: user.phone,
  name: `${user.first_name} ${user.last_name}`, custom_attributes: { city: user.city, postcode: user.postcode, plan: "free" } }));
await step("event", () => client.events.create({ event_name: "application-submitted", created_at: Math.floor(Date.now() / 1000),
  user_id: user.id, metadata: { job_id: "job_4471", company: "Bäckerei Krume" } }));
await step("conversation", () => client.conversations.create({ from: { type: "user", id: "6762f0a21bb69f9f2193bb7a" },
  body: "Hallo, ich habe meine Bewerbung abgeschickt, aber keine Bestätigung bekommen. Viele Grüße, Lena" }));
await step("search", () => client.contacts.search({ query: { field: "email", operator: "=", value: user.email } }));
await step("reply", () => client.conversations.reply({ conversation_id: "215469419634", body: {
  message_type: "comment", type: "user", intercom_user_id: "6762f0a21bb69f9f2193bb7a",
  body: "Danke! Ich bringe meine Zeugnisse und den Lebenslauf ausgedruckt mit." } }));
