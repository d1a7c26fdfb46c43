// node --test hooks/ios/pure.test.mjs  (after `python -m phonehome.hooks.build ios`)
import assert from "node:assert/strict";
import { test } from "node:test";
import {
    CC_DIGESTS, ZERO_IDFA, IOS_HOOKS, ccCryptNames, contactFields, coordinateFields, formatFrame, readFields,
} from "./_build/pure.mjs";

const byApi = (api) => IOS_HOOKS.find((h) => h.api === api);

test("every table row names a class, a Frida method key and a category or webview type", () => {
    for (const h of IOS_HOOKS) {
        assert.match(h.sel, /^[-+] [A-Za-z]/, h.api);
        assert.ok(h.type === "hook:webview" || typeof h.category === "string", h.api);
    }
    assert.ok(byApi("ASIdentifierManager.advertisingIdentifier"));
    assert.ok(byApi("UIDevice.identifierForVendor"));
    assert.ok(byApi("WKWebView.evaluateJavaScript"));
});

test("IDFA read becomes an advertising_id event; the all-zero IDFA is not a value", () => {
    const h = byApi("ASIdentifierManager.advertisingIdentifier");
    assert.deepEqual(readFields(h, "6D92078A-8246-4BA4-AE5B-76104861E7DC"), {
        api: "ASIdentifierManager.advertisingIdentifier", class: "ASIdentifierManager", selector: "advertisingIdentifier",
        value: "6D92078A-8246-4BA4-AE5B-76104861E7DC", category: "advertising_id", kind: "id",
    });
    const zero = readFields(h, ZERO_IDFA);
    assert.equal(zero.value, null);
    assert.match(zero.detail, /not authorised/);
});

test("coordinates and contacts are flattened into values", () => {
    const loc = coordinateFields(byApi("CLLocation.coordinate"), 52.520008, 13.404954);
    assert.equal(loc.value, "52.520008,13.404954");
    assert.deepEqual(loc.values, ["52.520008", "13.404954"]);
    assert.equal(loc.category, "location_precise");
    const c = contactFields(byApi("CNContactStore.unifiedContactsMatchingPredicate"), [
        { name: "Bob Example ", phones: ["+4915112345678"], emails: ["bob@example.org"] },
        { name: " ", phones: [], emails: [] },
    ]);
    assert.equal(c.count, 2);
    assert.deepEqual(c.values, ["Bob Example", "+4915112345678", "bob@example.org"]);
});

test("CCCrypt arguments are named like the Java Cipher events", () => {
    assert.deepEqual(ccCryptNames(0, 0, 1), { op: "encrypt", algorithm: "AES/CBC/PKCS7Padding" });
    assert.deepEqual(ccCryptNames(1, 0, 3), { op: "decrypt", algorithm: "AES/ECB/PKCS7Padding" });
    assert.deepEqual(ccCryptNames(7, 42, 0), { op: "op7", algorithm: "alg42/CBC/NoPadding" });
    assert.deepEqual(CC_DIGESTS.CC_SHA256, ["SHA-256", 32]);
});

test("native frames keep the Objective-C method first, as SDK attribution reads them", () => {
    assert.equal(formatFrame("-[FBSDKAppEvents logEvent:]", "FBSDKCoreKit", "0x1"), "-[FBSDKAppEvents logEvent:] (FBSDKCoreKit)");
    assert.equal(formatFrame("CCCrypt", "libcommonCrypto.dylib", "0x2"), "libcommonCrypto.dylib!CCCrypt");
    assert.equal(formatFrame(null, null, "0x3"), "0x3");
});
