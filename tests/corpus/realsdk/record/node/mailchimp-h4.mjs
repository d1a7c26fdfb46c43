// Mailchimp Marketing API (@mailchimp/mailchimp_marketing), held-out set h4: a batch operation (several calls in one
// body), a batch subscribe of members, a customer journey trigger, a member unsubscribing (consent withdrawn).
import mailchimp from "@mailchimp/mailchimp_marketing";
import { createHash } from "node:crypto";
import { user, step } from "./_app.mjs";

mailchimp.setConfig({ apiKey: "1122334455667788990011223344556677-us14", server: "us14" });
const list = "b7c8d9e0f1";
const hash = createHash("md5").update(user.email.toLowerCase()).digest("hex");
await step("batch operations", () => mailchimp.batches.start({ operations: [
  { method: "POST", path: `/lists/${list}/members/${hash}/tags`, body: JSON.stringify({ tags: [{ name: "suche-einzelhandel", status: "active" }] }) },
  { method: "POST", path: `/lists/${list}/members/${hash}/events`, body: JSON.stringify({ name: "application_withdrawn", properties: { job_id: "job_5120" } }) },
  { method: "PATCH", path: `/lists/${list}/members/${hash}`, body: JSON.stringify({ merge_fields: { PHONE: user.phone, CITY: user.city } }) },
] }));
await step("batch subscribe", () => mailchimp.lists.batchListMembers(list, { update_existing: true, members: [
  { email_address: user.email, status: "subscribed", merge_fields: { FNAME: user.first_name, LNAME: user.last_name }, ip_signup: "192.168.178.42" },
] }));
await step("journey trigger", () => mailchimp.customerJourneys.trigger(4711, 2, { email_address: user.email }));
await step("unsubscribe", () => mailchimp.lists.updateListMember(list, hash, { status: "unsubscribed",
  marketing_permissions: [{ marketing_permission_id: "a1b2c3d4e5", enabled: false }] }));
