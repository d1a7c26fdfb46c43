/*
 * Pure parts of the iOS agent: the hook table and the functions that turn what a hook saw into
 * event fields. No Frida or ObjC APIs here, so this file is also bundled as an ES module
 * (`_build/pure.mjs`) and tested with `node --test hooks/ios/pure.test.mjs`.
 */

export type Extract =
    | "uuidString" // NSUUID -> UUIDString
    | "string" // NSString
    | "stringArray" // NSArray<NSString>
    | "coordinate" // CLLocation -> coordinate (latitude, longitude)
    | "contacts" // NSArray<CNContact> -> names, phone numbers, e-mail addresses
    | "arg0String" // first argument (NSString), e.g. the script of evaluateJavaScript
    | "none"; // the call itself is the finding (e.g. startUpdatingLocation)

export interface ObjcHook {
    cls: string;
    /** Frida method key: `- selector` or `+ selector`. */
    sel: string;
    api: string;
    type: "hook:read" | "hook:webview";
    category?: string;
    kind?: string;
    extract: Extract;
}

export const IOS_HOOKS: ObjcHook[] = [
    { cls: "ASIdentifierManager", sel: "- advertisingIdentifier", api: "ASIdentifierManager.advertisingIdentifier", type: "hook:read", category: "advertising_id", kind: "id", extract: "uuidString" },
    { cls: "UIDevice", sel: "- identifierForVendor", api: "UIDevice.identifierForVendor", type: "hook:read", category: "device_id", kind: "id", extract: "uuidString" },
    { cls: "UIDevice", sel: "- name", api: "UIDevice.name", type: "hook:read", category: "device_info", kind: "name", extract: "string" },
    { cls: "CLLocation", sel: "- coordinate", api: "CLLocation.coordinate", type: "hook:read", category: "location_precise", kind: "text", extract: "coordinate" },
    { cls: "CLLocationManager", sel: "- startUpdatingLocation", api: "CLLocationManager.startUpdatingLocation", type: "hook:read", category: "location_precise", kind: "text", extract: "none" },
    { cls: "CLLocationManager", sel: "- requestLocation", api: "CLLocationManager.requestLocation", type: "hook:read", category: "location_precise", kind: "text", extract: "none" },
    { cls: "UIPasteboard", sel: "- string", api: "UIPasteboard.string", type: "hook:read", category: "clipboard", kind: "text", extract: "string" },
    { cls: "UIPasteboard", sel: "- strings", api: "UIPasteboard.strings", type: "hook:read", category: "clipboard", kind: "text", extract: "stringArray" },
    { cls: "CNContactStore", sel: "- unifiedContactsMatchingPredicate:keysToFetch:error:", api: "CNContactStore.unifiedContactsMatchingPredicate", type: "hook:read", category: "contacts", kind: "text", extract: "contacts" },
    { cls: "CNContactStore", sel: "- enumerateContactsWithFetchRequest:error:usingBlock:", api: "CNContactStore.enumerateContacts", type: "hook:read", category: "contacts", kind: "text", extract: "none" },
    { cls: "WKWebView", sel: "- evaluateJavaScript:completionHandler:", api: "WKWebView.evaluateJavaScript", type: "hook:webview", extract: "arg0String" },
];

export type Fields = { [k: string]: string | number | boolean | null | string[] };

/** The all-zero IDFA an app gets when tracking is not authorised. */
export const ZERO_IDFA = "00000000-0000-0000-0000-000000000000";

export function readFields(hook: ObjcHook, value: string | null, values?: string[]): Fields {
    const out: Fields = { api: hook.api, class: hook.cls, selector: hook.sel.slice(2), value };
    if (hook.category !== undefined) {
        out.category = hook.category;
    }
    if (hook.kind !== undefined) {
        out.kind = hook.kind;
    }
    if (values !== undefined) {
        out.values = values;
    }
    if (hook.extract === "uuidString" && value === ZERO_IDFA) {
        out.value = null;
        out.detail = "all-zero identifier (tracking not authorised)";
    }
    return out;
}

export function coordinateFields(hook: ObjcHook, latitude: number, longitude: number): Fields {
    const lat = String(latitude);
    const lon = String(longitude);
    return readFields(hook, `${lat},${lon}`, [lat, lon]);
}

export function contactFields(hook: ObjcHook, contacts: { name: string; phones: string[]; emails: string[] }[]): Fields {
    const values: string[] = [];
    for (const c of contacts) {
        if (c.name.trim() !== "") {
            values.push(c.name.trim());
        }
        values.push(...c.phones, ...c.emails);
    }
    const out = readFields(hook, `${contacts.length} contacts`, values);
    out.count = contacts.length;
    return out;
}

const CC_OPERATION: { [k: number]: string } = { 0: "encrypt", 1: "decrypt" };
const CC_ALGORITHM: { [k: number]: string } = { 0: "AES", 1: "DES", 2: "3DES", 3: "CAST", 4: "RC4", 5: "RC2", 6: "Blowfish" };
const CC_OPTIONS = { pkcs7: 1, ecb: 2 };

/** CCCrypt(op, alg, options, ...) arguments -> `algorithm` and `op` as the crypto agent names them. */
export function ccCryptNames(op: number, alg: number, options: number): { op: string; algorithm: string } {
    const name = CC_ALGORITHM[alg] ?? `alg${alg}`;
    const mode = (options & CC_OPTIONS.ecb) !== 0 ? "ECB" : "CBC";
    const pad = (options & CC_OPTIONS.pkcs7) !== 0 ? "PKCS7Padding" : "NoPadding";
    return { op: CC_OPERATION[op] ?? `op${op}`, algorithm: `${name}/${mode}/${pad}` };
}

/** CommonCrypto one-shot digests: export name -> (algorithm, digest length). */
export const CC_DIGESTS: { [k: string]: [string, number] } = {
    CC_MD5: ["MD5", 16],
    CC_SHA1: ["SHA-1", 20],
    CC_SHA256: ["SHA-256", 32],
    CC_SHA512: ["SHA-512", 64],
};

/** A native frame as the host's SDK attribution reads it: `-[FBSDKAppEvents logEvent:] (FBSDKCoreKit)`. */
export function formatFrame(symbol: string | null, moduleName: string | null, address: string): string {
    if (symbol !== null && (symbol.startsWith("-[") || symbol.startsWith("+["))) {
        return moduleName !== null ? `${symbol} (${moduleName})` : symbol;
    }
    if (symbol !== null && symbol !== "") {
        return moduleName !== null ? `${moduleName}!${symbol}` : symbol;
    }
    return moduleName !== null ? `${moduleName}!${address}` : address;
}
