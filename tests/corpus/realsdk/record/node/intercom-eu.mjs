// Intercom's Node bindings (intercom-client) against Intercom's EU region: update a contact, tag it, a note.
import { IntercomClient, IntercomEnvironment } from "intercom-client";
import { user, device, step } from "./_app.mjs";

const client = new IntercomClient({ token: "dG9rOmV1XzEyMzQ1Njc4XzQ1Njc6OjU2Nzg=", environment: IntercomEnvironment.EuProduction });
await step("update contact", () => client.contacts.update({ contact_id: "6762f0a21bb69f9f2193bb7a", phone: user.phone,
  custom_attributes: { android_id: device.android_id, last_seen_city: user.city, app_version: "3.4.2" } }));
await step("tag", () => client.tags.create({ name: "interview-scheduled", users: [{ id: "6762f0a21bb69f9f2193bb7a" }] }));
await step("event", () => client.events.create({ event_name: "interview-scheduled", created_at: Math.floor(Date.now() / 1000),
  email: user.email, metadata: { slot: "2026-12-07T09:00:00+01:00", employer: "Bäckerei Krume" } }));
