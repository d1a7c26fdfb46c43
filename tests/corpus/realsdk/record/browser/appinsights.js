// Microsoft Application Insights JavaScript SDK (@microsoft/applicationinsights-web).
import { ApplicationInsights } from "@microsoft/applicationinsights-web";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(12000);
const ai = new ApplicationInsights({ config: {
  connectionString: "InstrumentationKey=7c2e9a41-3b5d-4f8e-a1c6-0d9b8e7f6a5c;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/",
  enableAutoRouteTracking: true, disableFetchTracking: false, enableCorsCorrelation: false, maxBatchInterval: 1000,
  disableCookiesUsage: false,
} });
await step("load", () => ai.loadAppInsights());
await step("user", () => {
  ai.setAuthenticatedUserContext(user.id, "acct_berlin_7", true);
  ai.addTelemetryInitializer((item) => { item.data = { ...(item.data || {}), email: user.email, carrier: device.carrier }; });
});
await step("pageview", () => ai.trackPageView({ name: "JobDetail", uri: "https://app.azubiapp.de/jobs/4471" }));
await step("event", () => ai.trackEvent({ name: "application_submitted" }, { job_id: "job_4471", city: user.city }));
await step("exception", () => ai.trackException({ exception: new RangeError("Invalid time value in interview slot") }));
await step("trace", () => ai.trackTrace({ message: `user ${user.email} opened chat`, severityLevel: 1 }));
await step("metric", () => ai.trackMetric({ name: "form_fill_seconds", average: 42 }));
await sleep(2000);
await step("flush", () => ai.flush());
log("done");
