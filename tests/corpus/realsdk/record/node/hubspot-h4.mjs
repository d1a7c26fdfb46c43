// HubSpot's Node client (@hubspot/api-client), held-out set h4: a deal for an application, a note with a call summary,
// associations between them and the contact, a batch upsert of the contact by e-mail.
import { Client } from "@hubspot/api-client";
import { user, step } from "./_app.mjs";

const hs = new Client({ accessToken: "pat-eu1-9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d" });
await step("deal", () => hs.crm.deals.basicApi.create({ properties: { dealname: `Bewerbung job_5120 – ${user.first_name} ${user.last_name}`,
  dealstage: "appointmentscheduled", pipeline: "default", amount: "14.90", closedate: "2027-01-15" } }));
await step("note", () => hs.crm.objects.notes.basicApi.create({ properties: { hs_timestamp: new Date().toISOString(),
  hs_note_body: "Telefonat mit Lena: möchte Ausbildung zur Kauffrau im Einzelhandel, kann ab 1.8. anfangen, braucht Fahrtkostenzuschuss." } }));
await step("association deal-contact", () => hs.crm.associations.v4.basicApi.createDefault("deals", "18001234", "contacts", "90211"));
await step("association note-contact", () => hs.crm.associations.v4.basicApi.createDefault("notes", "27004321", "contacts", "90211"));
await step("batch upsert", () => hs.crm.contacts.batchApi.upsert({ inputs: [{ idProperty: "email", id: user.email,
  properties: { mobilephone: user.phone, app_user_id: user.id, hs_language: "de", marketing_consent: "false" } }] }));
