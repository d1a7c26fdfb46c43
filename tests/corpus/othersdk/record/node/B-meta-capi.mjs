// Meta's Conversions API through the official facebook-nodejs-business-sdk: server events with
// user data (the SDK normalises and SHA-256-hashes e-mail, phone, name, city, postcode, country).
import bizSdk from "facebook-nodejs-business-sdk";
import { user, device, person, step } from "./_app.mjs";

const { FacebookAdsApi, ServerEvent, EventRequest, UserData, CustomData, Content } = bizSdk;
const token = "EAAGm0PX4ZCpsBAKx3mP9qR2tY7vZ1aB4cD6eF8gH0jK2lM4nP6qR8sT0";
FacebookAdsApi.init(token);
const userData = new UserData().setEmails([user.email]).setPhones([user.phone]).setFirstName(user.first_name.toLowerCase())
  .setLastName(user.last_name.toLowerCase()).setCity("berlin").setZip(user.postcode).setCountry("de").setExternalId(user.id)
  .setClientIpAddress("192.168.178.42").setClientUserAgent(person.webview_user_agent).setMadid(device.advertising_id);
const now = Math.floor(Date.now() / 1000);
const purchase = new ServerEvent().setEventName("Purchase").setEventTime(now).setUserData(userData).setActionSource("app")
  .setEventId("ord_20261204_0042").setCustomData(new CustomData().setCurrency("eur").setValue(4.99)
    .setContents([new Content().setId("premium_month").setQuantity(1)]));
const lead = new ServerEvent().setEventName("SubmitApplication").setEventTime(now).setUserData(userData).setActionSource("app")
  .setCustomData(new CustomData().setContentName("Ausbildung Bäcker/in").setContentIds(["job_4471"]));
await step("purchase", () => new EventRequest(token, "1234567890123456").setEvents([purchase]).execute());
await step("lead", () => new EventRequest(token, "1234567890123456").setEvents([lead]).execute());
