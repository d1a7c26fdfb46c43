// Mailchimp Transactional (Mandrill) official client (@mailchimp/mailchimp_transactional): a transactional e-mail.
import mailchimpTx from "@mailchimp/mailchimp_transactional";
import { user, step } from "./_app.mjs";

const client = mailchimpTx("md-0123456789abcdefABCDEF");
await step("send", async () => {
  const r = await client.messages.send({ message: {
    from_email: "bewerbung@azubiapp.de", from_name: "AzubiApp", subject: "Deine Bewerbung bei Bäckerei Krume",
    text: `Hallo ${user.first_name},\n\ndeine Bewerbung für job_4471 ist eingegangen. Adresse für Unterlagen: ${user.street}, ${user.postcode} ${user.city}.`,
    to: [{ email: user.email, name: `${user.first_name} ${user.last_name}`, type: "to" }],
    metadata: { user_id: user.id }, tags: ["application"] } });
  if (r instanceof Error) throw r;
});
await step("search", () => client.messages.search({ query: `email:${user.email}`, limit: 5 }));
