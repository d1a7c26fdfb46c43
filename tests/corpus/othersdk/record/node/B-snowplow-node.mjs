// Snowplow's Node tracker (@snowplow/node-tracker): what an app backend sends to the collector
// with GET and base64-encoded self-describing events and contexts: screen view, a structured
// event, a self-describing application event with the user's geolocation.
import { newTracker, buildScreenView, buildStructEvent, buildSelfDescribingEvent } from "@snowplow/node-tracker";
import { user, device, step } from "./_app.mjs";

const tracker = newTracker({ namespace: "backend", appId: "azubiapp-api", encodeBase64: true },
  { endpoint: "https://com-azubiapp-prod1.collector.snplow.net", eventMethod: "get", bufferSize: 1 });
tracker.setUserId(user.id);
tracker.setDomainUserId("ee28506a-a2cb-4d57-8556-11d900a31fed");
tracker.setIpAddress("192.168.178.42");
tracker.setUseragent(person_ua());
function person_ua() { return `AzubiApp/3.4.1 (Android 14; ${device.model})`; }
const mobile = { schema: "iglu:com.snowplowanalytics.snowplow/mobile_context/jsonschema/1-0-2",
  data: { osType: "android", osVersion: "14", deviceManufacturer: device.manufacturer, deviceModel: device.model,
    carrier: device.carrier, networkType: "wifi", androidIdfa: device.advertising_id } };
await step("screen", () => tracker.track(buildScreenView({ name: "JobDetail", id: "5e1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b" }), [mobile]));
await step("struct", () => tracker.track(buildStructEvent({ category: "jobs", action: "save", label: "job_4471", property: "Bäckerei Krume" }), [mobile]));
await step("application", () => tracker.track(buildSelfDescribingEvent({ event: { schema: "iglu:de.azubiapp/application_submitted/jsonschema/1-0-0",
  data: { job_id: "job_4471", company: "Bäckerei Krume", cover_letter: "Ich backe seit Jahren mit meiner Oma und möchte das zu meinem Beruf machen." } } }),
  [mobile, { schema: "iglu:com.snowplowanalytics.snowplow/geolocation_context/jsonschema/1-1-0", data: { latitude: 52.520008, longitude: 13.404954 } }]));
await step("flush", () => tracker.flush());
await new Promise((r) => setTimeout(r, 1500));
