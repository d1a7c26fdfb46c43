// Shared by the browser entries: the test person and phone, a log line, and the end of a visit.
import person from "../testperson.json";

export { person };
export const user = person.user;
export const device = person.device;

export function log(...args) {
  console.log("[sdk]", ...args);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Leave the page after `ms`: SDKs flush their queues on pagehide/visibilitychange (sendBeacon).
export function leaveAfter(ms) {
  setTimeout(() => {
    log("leaving page");
    location.href = "/done.html";
  }, ms);
}

export async function step(name, fn) {
  try {
    await fn();
    log("ok", name);
  } catch (e) {
    log("failed", name, String(e && e.stack ? e.stack : e));
  }
}
