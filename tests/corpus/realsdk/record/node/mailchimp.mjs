// Mailchimp Marketing API client (@mailchimp/mailchimp_marketing): audience member, tags, event.
import { createHash } from "node:crypto";
import mailchimp from "@mailchimp/mailchimp_marketing";
import { user, step } from "./_app.mjs";

mailchimp.setConfig({ apiKey: "0123456789abcdef0123456789abcdef-us21", server: "us21" });
const list = "a1b2c3d4e5";
const hash = createHash("md5").update(user.email.toLowerCase()).digest("hex");
await step("add member", () => mailchimp.lists.addListMember(list, { email_address: user.email, status: "subscribed",
  merge_fields: { FNAME: user.first_name, LNAME: user.last_name, PHONE: user.phone,
    ADDRESS: { addr1: user.street, city: user.city, state: "Berlin", zip: user.postcode, country: user.country } },
  location: { latitude: 52.520008, longitude: 13.404954 }, language: "de" }));
await step("tags", () => mailchimp.lists.updateListMemberTags(list, hash, { tags: [{ name: "bewerber-berlin", status: "active" }] }));
await step("event", () => mailchimp.lists.createListMemberEvent(list, hash, { name: "application_submitted",
  properties: { job_id: "job_4471", company: "Bäckerei Krume" } }));
await step("store customer", () => mailchimp.ecommerce.addStoreCustomer("azubi_shop", { id: user.id, email_address: user.email,
  opt_in_status: false, first_name: user.first_name, last_name: user.last_name,
  address: { address1: user.street, city: user.city, postal_code: user.postcode, country_code: user.country } }));
await step("store order", () => mailchimp.ecommerce.addStoreOrder("azubi_shop", { id: "order_90211", customer: { id: user.id },
  currency_code: "EUR", order_total: 4.99, processed_at_foreign: new Date().toISOString(),
  lines: [{ id: "line_1", product_id: "premium", product_variant_id: "premium_month", quantity: 1, price: 4.99 }] }));
