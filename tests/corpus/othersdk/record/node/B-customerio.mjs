// Customer.io's Node library (customerio-node), EU region: identify with attributes, an event, a
// push device, and a transactional e-mail through the App API.
import { TrackClient, APIClient, RegionEU, SendEmailRequest } from "customerio-node";
import { user, device, step } from "./_app.mjs";

const cio = new TrackClient("a1b2c3d4e5f6a7b8c9d0", "e5f6a7b8c9d0e1f2a3b4", { region: RegionEU });
const api = new APIClient("app-7a9c2e4f6b8d0a1c3e5f7a9c2e4f6b8d", { region: RegionEU });
await step("identify", () => cio.identify(user.id, { email: user.email, first_name: user.first_name, last_name: user.last_name,
  phone: user.phone, city: user.city, postcode: user.postcode, created_at: 1794000000, plan: "free" }));
await step("event", () => cio.track(user.id, { name: "application_submitted", data: { job_id: "job_4471", company: "Bäckerei Krume" } }));
await step("device", () => cio.addDevice(user.id, device.push_token, "android", { app_version: "3.4.1", device_model: device.model }));
await step("email", () => api.sendEmail(new SendEmailRequest({ to: user.email, transactional_message_id: "12",
  identifiers: { id: user.id }, message_data: { first_name: user.first_name, job_title: "Ausbildung Bäcker/in", company: "Bäckerei Krume",
    interview: "Dienstag 9:00, Invalidenstraße 117" } })));
