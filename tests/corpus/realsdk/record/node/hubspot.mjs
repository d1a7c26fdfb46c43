// HubSpot's official Node client (@hubspot/api-client): contact create, update and search.
import { Client } from "@hubspot/api-client";
import { user, step } from "./_app.mjs";

const hs = new Client({ accessToken: "pat-eu1-4f7b2c9e-1d3a-4b5c-8e6f-7a9b0c1d2e3f" });
await step("create", () => hs.crm.contacts.basicApi.create({ properties: {
  email: user.email, firstname: user.first_name, lastname: user.last_name, phone: user.phone,
  address: user.street, zip: user.postcode, city: user.city, country: "Germany", lifecyclestage: "lead" }, associations: [] }));
await step("update", () => hs.crm.contacts.basicApi.update("90211", { properties: { app_user_id: user.id, last_job_applied: "job_4471" } }));
await step("search", () => hs.crm.contacts.searchApi.doSearch({ filterGroups: [{ filters: [
  { propertyName: "email", operator: "EQ", value: user.email }] }], properties: ["email", "firstname"], limit: 1 }));
await step("custom event", () => hs.events.send.basicApi.send({ eventName: "pe4711_application_submitted", email: user.email,
  occurredAt: new Date(), properties: { job_id: "job_4471", company: "Bäckerei Krume", screen: "JobDetail" } }));
