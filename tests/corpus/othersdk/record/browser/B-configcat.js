// ConfigCat JS SDK (configcat-js), EU data governance: the config is downloaded and evaluated
// locally for the user (the user object is not sent).
import * as configcat from "configcat-js";
import { user, device, log, step, sleep, leaveAfter } from "./_app.js";

leaveAfter(10000);
const client = configcat.getClient("configcat-sdk-1/Xk3mP9qR2tY7vZ1aB4cD6e/Fg8hJ0kL2mN4pQ6rS8tU0v", configcat.PollingMode.AutoPoll,
  { dataGovernance: configcat.DataGovernance.EuOnly, pollIntervalSeconds: 60 });
const who = new configcat.User(user.id, user.email, user.country, { city: user.city, device: device.model });
await step("value", async () => log("flag", await client.getValueAsync("newOnboarding", false, who)));
await step("all", async () => log("all", JSON.stringify(await client.getAllValuesAsync(who))));
await sleep(1000);
log("done");
