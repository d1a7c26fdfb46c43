// Mailchimp Marketing API (@mailchimp/mailchimp_marketing) on another data centre: upsert a member with birthday, a note.
import { createHash } from "node:crypto";
import mailchimp from "@mailchimp/mailchimp_marketing";
import { user, step } from "./_app.mjs";

mailchimp.setConfig({ apiKey: "fedcba9876543210fedcba9876543210-us6", server: "us6" });
const hash = createHash("md5").update(user.email.toLowerCase()).digest("hex");
await step("upsert", () => mailchimp.lists.setListMember("f0e1d2c3b4", hash, { email_address: user.email, status_if_new: "subscribed",
  merge_fields: { FNAME: user.first_name, BIRTHDAY: "03/14", MMERGE5: user.phone } }));
await step("note", () => mailchimp.lists.createListMemberNote("f0e1d2c3b4", hash, { note: "Hat sich für job_4471 beworben, Gespräch am Montag." }));
await step("activity", () => mailchimp.lists.getListMemberActivityFeed("f0e1d2c3b4", hash));
