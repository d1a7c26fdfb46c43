// Intercom's Node bindings (intercom-client), held-out set h4: a logged-out visitor becomes a lead, then is merged
// into the user on login; a note on the contact; an event with nested metadata; a conversation with a question.
import { IntercomClient } from "intercom-client";
import { user, device, step } from "./_app.mjs";

const client = new IntercomClient({ token: "dG9rOmg0XzU1NjY3Nzg4Xzk5MDA6OjExMjI=" });
await step("lead", () => client.contacts.create({ role: "lead", email: user.email, custom_attributes: { last_search: "Ausbildung Kauffrau im Einzelhandel", source: "app_search" } }));
await step("merge lead into user", () => client.contacts.mergeLeadInUser({ lead_id: "6762f0a21bb69f9f2193cc01", contact_id: "6762f0a21bb69f9f2193bb7a" }));
await step("note", () => client.notes.create({ contact_id: "6762f0a21bb69f9f2193bb7a", admin_id: "7001234",
  body: `<p>${user.first_name} ${user.last_name} fragt nach Fahrtkostenzuschuss, wohnt in ${user.postcode} ${user.city}.</p>` }));
await step("event", () => client.events.create({ event_name: "application-withdrawn", created_at: Math.floor(Date.now() / 1000),
  user_id: user.id, metadata: { job_id: "job_5120", reason: "Zusage von einem anderen Betrieb", device_model: device.model } }));
await step("conversation", () => client.conversations.create({ from: { type: "user", id: "6762f0a21bb69f9f2193bb7a" },
  body: "Kann ich meine Bewerbung bei der Kanzlei Richter & Sohn noch ändern? Ich habe die falsche Telefonnummer angegeben." }));
