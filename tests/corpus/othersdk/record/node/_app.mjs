// Shared by the Node entries: the test person and phone, and a step runner that logs failures.
import { readFileSync } from "node:fs";

export const person = JSON.parse(readFileSync(new URL("../testperson.json", import.meta.url), "utf8"));
export const user = person.user;
export const device = person.device;

export async function step(name, fn) {
  try {
    const r = await fn();
    console.log("[sdk] ok", name);
    return r;
  } catch (e) {
    console.log("[sdk] failed", name, String(e && e.stack ? e.stack : e).slice(0, 600));
  }
}
