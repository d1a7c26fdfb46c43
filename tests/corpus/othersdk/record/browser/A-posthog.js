// PostHog browser SDK (posthog-js), EU cloud, with the session recorder bundled from the package
// (no CDN): page view, identify with person properties, events, a feature flag, an exception,
// and a form the user fills in while the recording runs.
// The package's full build without external loading: the session recorder (rrweb) is in it, no CDN.
import posthog from "posthog-js/dist/module.full.no-external";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(16000);
document.getElementById("app").insertAdjacentHTML("beforeend",
  `<form id=f><label>Name <input id=name name=name></label><label>Telefon <input id=tel name=tel></label>
   <textarea id=msg name=msg></textarea></form><p id=job>Ausbildung Bäcker/in bei Bäckerei Krume, Berlin-Mitte</p>`);
await step("init", () => posthog.init("phc_Xk3mP9qR2tY7vZ1aB4cD6eF8gH0jK2lM4nP6qR8sT0", {
  api_host: "https://eu.i.posthog.com", person_profiles: "identified_only", capture_pageview: true,
  autocapture: true, disable_session_recording: false, session_recording: { maskAllInputs: false },
  disable_external_dependency_loading: true, request_batching: true, advanced_disable_flags: false }));
await step("consent", () => posthog.opt_in_capturing());
await step("identify", () => posthog.identify(user.id, { email: user.email, name: `${user.first_name} ${user.last_name}`,
  phone: user.phone, city: user.city }, { first_seen_postcode: user.postcode }));
await step("search", () => posthog.capture("job_searched", { query: "Ausbildung Bäcker", city: user.city, radius_km: 10 }));
await step("flag", () => posthog.onFeatureFlags(() => log("flag", posthog.isFeatureEnabled("new-onboarding"))));
await sleep(1000);
await step("type", async () => {
  const type = async (id, text) => { const el = document.getElementById(id); el.focus();
    for (const ch of text) { el.value += ch; el.dispatchEvent(new Event("input", { bubbles: true })); await sleep(20); } };
  await type("name", `${user.first_name} ${user.last_name}`);
  await type("tel", user.phone);
  await type("msg", "Ich bewerbe mich um den Ausbildungsplatz und kann ab August anfangen.");
  document.getElementById("apply").click();
});
await step("apply", () => posthog.capture("application_submitted", { job_id: "job_4471", company: "Bäckerei Krume", $set: { applications: 1 } }));
await step("purchase", () => posthog.capture("purchase", { product_id: "premium_month", revenue: 4.99, currency: "EUR" }));
await step("exception", () => { try { JSON.parse("{bewerbung"); } catch (e) { posthog.captureException(e, { screen: "ApplyForm", job_id: "job_4471" }); } });
await sleep(3000);
log("done");
