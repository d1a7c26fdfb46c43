// Klaviyo's official API client (klaviyo-api): create/update a profile with address and
// location, subscribe to push/e-mail marketing consent, and an event with a value.
import { ApiKeySession, ProfilesApi, EventsApi } from "klaviyo-api";
import { user, step } from "./_app.mjs";

const session = new ApiKeySession("pk_3f8e2c1a9b7d4e6f8a0c2e4b6d8f1a3c5e");
const profiles = new ProfilesApi(session);
const events = new EventsApi(session);
await step("profile", () => profiles.createOrUpdateProfile({ data: { type: "profile", attributes: {
  externalId: user.id, email: user.email, phoneNumber: user.phone, firstName: user.first_name, lastName: user.last_name,
  location: { address1: user.street, city: user.city, zip: user.postcode, country: "Germany", latitude: "52.520008", longitude: "13.404954" },
  properties: { plan: "free", applications: 1 } } } }));
await step("event", () => events.createEvent({ data: { type: "event", attributes: {
  properties: { job_id: "job_4471", company: "Bäckerei Krume", screen: "ApplyForm" }, value: 4.99, uniqueId: "ord_20261204_0042",
  metric: { data: { type: "metric", attributes: { name: "Application Submitted" } } },
  profile: { data: { type: "profile", attributes: { email: user.email, externalId: user.id } } } } } }));
