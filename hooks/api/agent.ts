/*
 * api agent: what the app (and each SDK inside it) reads on the device.
 *
 * One table, applied by `installJavaHooks`: advertising ID and App Set ID, ANDROID_ID
 * (Settings.Secure.getString), TelephonyManager identifiers and carrier, Build.getSerial,
 * WifiInfo (MAC, SSID, BSSID, IP), BluetoothAdapter.getAddress, LocationManager and Location
 * getters, fused-location results, ContentResolver.query on contacts / call log / SMS / calendar
 * (and the strings read from those cursors), ClipboardManager, PackageManager app lists,
 * AccountManager.getAccounts, SensorManager.registerListener, WebView JavaScript bridges.
 *
 * Sends: hook:read {api, class, method, category, kind, value, values?, uri?, column?, detail?,
 * thread, tid, stack}; hook:webview {api, script|url|name, ...}; hook:missing-class once per
 * absent class; hook:agent-error. The original method always runs first and its result is
 * returned unchanged.
 */
import Java from "frida-java-bridge";
import { exportRpc, Fields } from "../common/runtime.js";
import { Call, identity, installJavaHooks, javaContext, JavaHook, javaString, JObject, whenJavaReady } from "../common/java/hooks.js";
import { categoryForUri, ipv4FromInt } from "./tables.js";

const MAX_LIST = 500;

function str(call: Call): Fields | null {
    const v = javaString(call.ret);
    return { value: v };
}

/** Cursors returned by ContentResolver.query on a personal-data URI: identity -> (uri, category). */
const trackedCursors = new Map<number, { uri: string; category: string }>();

function read(cls: string, method: string, api: string, category: string, kind: string, record: JavaHook["record"] = str, overloads?: string[][]): JavaHook {
    return { cls, method, api, category, kind, type: "hook:read", record, overloads };
}

function location(call: Call): Fields | null {
    const loc = call.ret;
    if (loc === null || loc === undefined) {
        return { value: null };
    }
    const lat = String(loc.getLatitude());
    const lon = String(loc.getLongitude());
    return { value: `${lat},${lon}`, values: [lat, lon] };
}

function listOf(call: Call, name: (item: JObject) => string | null): Fields | null {
    const list = call.ret;
    if (list === null || list === undefined) {
        return { value: null };
    }
    const n: number = list.size();
    const values: string[] = [];
    for (let i = 0; i < n && i < MAX_LIST; i++) {
        const v = name(list.get(i));
        if (v !== null) {
            values.push(v);
        }
    }
    return { value: `${n} items`, values, count: n };
}

const HOOKS: JavaHook[] = [
    // Advertising and app-set identifiers
    read("com.google.android.gms.ads.identifier.AdvertisingIdClient$Info", "getId", "AdvertisingIdClient.Info.getId", "advertising_id", "id"),
    read("com.google.android.gms.appset.AppSetIdInfo", "getId", "AppSetIdInfo.getId", "device_id", "id"),
    {
        cls: "android.provider.Settings$Secure", method: "getString", api: "Settings.Secure.getString", type: "hook:read",
        overloads: [["android.content.ContentResolver", "java.lang.String"]],
        record: (call) => {
            const key = String(call.args[1]);
            const category = key === "android_id" ? "device_id" : key === "bluetooth_name" || key === "device_name" ? "device_info" : null;
            if (category === null) {
                return null;
            }
            return { value: javaString(call.ret), key, category, kind: key === "android_id" ? "id" : "name" };
        },
    },
    // Telephony
    read("android.telephony.TelephonyManager", "getDeviceId", "TelephonyManager.getDeviceId", "device_id", "imei"),
    read("android.telephony.TelephonyManager", "getImei", "TelephonyManager.getImei", "device_id", "imei"),
    read("android.telephony.TelephonyManager", "getMeid", "TelephonyManager.getMeid", "device_id", "imei"),
    read("android.telephony.TelephonyManager", "getSubscriberId", "TelephonyManager.getSubscriberId", "device_id", "id"),
    read("android.telephony.TelephonyManager", "getSimSerialNumber", "TelephonyManager.getSimSerialNumber", "device_id", "id"),
    read("android.telephony.TelephonyManager", "getLine1Number", "TelephonyManager.getLine1Number", "contact_info", "phone"),
    read("android.telephony.TelephonyManager", "getNetworkOperator", "TelephonyManager.getNetworkOperator", "network", "mcc_mnc"),
    read("android.telephony.TelephonyManager", "getNetworkOperatorName", "TelephonyManager.getNetworkOperatorName", "network", "carrier"),
    read("android.telephony.TelephonyManager", "getSimOperator", "TelephonyManager.getSimOperator", "network", "mcc_mnc"),
    read("android.telephony.TelephonyManager", "getSimOperatorName", "TelephonyManager.getSimOperatorName", "network", "carrier"),
    read("android.telephony.TelephonyManager", "getSimCountryIso", "TelephonyManager.getSimCountryIso", "network", "text"),
    read("android.os.Build", "getSerial", "Build.getSerial", "device_id", "id"),
    // Wi-Fi and Bluetooth
    read("android.net.wifi.WifiInfo", "getMacAddress", "WifiInfo.getMacAddress", "device_id", "mac"),
    read("android.net.wifi.WifiInfo", "getSSID", "WifiInfo.getSSID", "network", "ssid",
        (call) => ({ value: (javaString(call.ret) ?? "").replace(/^"(.*)"$/, "$1") || null })),
    read("android.net.wifi.WifiInfo", "getBSSID", "WifiInfo.getBSSID", "network", "mac"),
    read("android.net.wifi.WifiInfo", "getIpAddress", "WifiInfo.getIpAddress", "network", "ip",
        (call) => ({ value: ipv4FromInt(call.ret as number) })),
    read("android.bluetooth.BluetoothAdapter", "getAddress", "BluetoothAdapter.getAddress", "device_id", "mac"),
    // Location
    read("android.location.LocationManager", "getLastKnownLocation", "LocationManager.getLastKnownLocation", "location_precise", "text", location),
    read("android.location.LocationManager", "requestLocationUpdates", "LocationManager.requestLocationUpdates", "location_precise", "text",
        (call) => ({ value: null, detail: typeof call.args[0] === "string" ? call.args[0] : javaString(call.args[0]) })),
    read("android.location.Location", "getLatitude", "Location.getLatitude", "location_precise", "text", (call) => ({ value: String(call.ret) })),
    read("android.location.Location", "getLongitude", "Location.getLongitude", "location_precise", "text", (call) => ({ value: String(call.ret) })),
    read("com.google.android.gms.location.LocationResult", "getLastLocation", "LocationResult.getLastLocation", "location_precise", "text", location),
    read("com.google.android.gms.location.FusedLocationProviderClient", "getLastLocation", "FusedLocationProviderClient.getLastLocation", "location_precise", "text",
        () => ({ value: null, detail: "Task<Location> requested" })),
    // Content providers: the query, then the strings read from its cursor
    {
        cls: "android.content.ContentResolver", method: "query", api: "ContentResolver.query", type: "hook:read",
        record: (call, J) => {
            const uri = javaString(call.args[0]) ?? "";
            const category = categoryForUri(uri);
            if (category === null) {
                return null;
            }
            if (call.ret !== null && call.ret !== undefined) {
                if (trackedCursors.size > 1000) {
                    trackedCursors.clear();
                }
                trackedCursors.set(identity(javaContext(J), call.ret), { uri, category });
            }
            return { value: null, uri, category, kind: "text", detail: "query" };
        },
    },
    {
        cls: "android.database.CursorWrapper", method: "getString", api: "Cursor.getString", type: "hook:read",
        record: (call, J) => {
            if (trackedCursors.size === 0) {
                return null;
            }
            const t = trackedCursors.get(identity(javaContext(J), call.self));
            if (t === undefined) {
                return null;
            }
            const column = javaString(call.self.getColumnName(call.args[0]));
            const value = javaString(call.ret);
            const kind = column !== null && /mail|data1/.test(column) && value !== null && value.indexOf("@") > 0 ? "email"
                : column !== null && /number|phone/.test(column) ? "phone" : column !== null && /name/.test(column) ? "name" : "text";
            return { value, uri: t.uri, column, category: t.category, kind };
        },
    },
    // Clipboard
    read("android.content.ClipboardManager", "getPrimaryClip", "ClipboardManager.getPrimaryClip", "clipboard", "text", (call) => {
        const clip = call.ret;
        if (clip === null || clip === undefined || clip.getItemCount() === 0) {
            return { value: null };
        }
        return { value: javaString(clip.getItemAt(0).getText()) };
    }),
    read("android.content.ClipboardManager", "getText", "ClipboardManager.getText", "clipboard", "text"),
    // Installed apps
    read("android.app.ApplicationPackageManager", "getInstalledPackages", "PackageManager.getInstalledPackages", "installed_apps", "package",
        (call) => listOf(call, (p) => javaString(p.packageName.value))),
    read("android.app.ApplicationPackageManager", "getInstalledApplications", "PackageManager.getInstalledApplications", "installed_apps", "package",
        (call) => listOf(call, (a) => javaString(a.packageName.value))),
    read("android.app.ApplicationPackageManager", "queryIntentActivities", "PackageManager.queryIntentActivities", "installed_apps", "package",
        (call) => listOf(call, (r) => javaString(r.activityInfo.value.packageName.value))),
    // Accounts
    read("android.accounts.AccountManager", "getAccounts", "AccountManager.getAccounts", "contact_info", "email", (call) => {
        const arr = call.ret;
        const values: string[] = [];
        for (let i = 0; arr !== null && i < arr.length && i < MAX_LIST; i++) {
            values.push(String(arr[i].name.value));
        }
        return { value: values[0] ?? null, values };
    }),
    // Sensors
    read("android.hardware.SensorManager", "registerListener", "SensorManager.registerListener", "device_info", "text",
        (call) => ({ value: null, detail: javaString(call.args[1]) })),
    // WebView JavaScript bridges
    {
        cls: "android.webkit.WebView", method: "evaluateJavascript", api: "WebView.evaluateJavascript", type: "hook:webview",
        record: (call) => ({ script: javaString(call.args[0]), page_url: pageUrl(call.self) }),
    },
    {
        cls: "android.webkit.WebView", method: "loadUrl", api: "WebView.loadUrl", type: "hook:webview",
        record: (call) => {
            const url = javaString(call.args[0]) ?? "";
            return url.startsWith("javascript:") ? { script: url, page_url: pageUrl(call.self) } : null;
        },
    },
    {
        cls: "android.webkit.WebView", method: "addJavascriptInterface", api: "WebView.addJavascriptInterface", type: "hook:webview",
        record: (call) => ({ name: javaString(call.args[1]), object_class: call.args[0] === null ? null : String(call.args[0].getClass().getName()) }),
    },
];

/** The page a script is injected into (WebView.getUrl runs on the caller's thread, the UI thread). */
function pageUrl(view: JObject): string | null {
    try {
        return javaString(view.getUrl());
    } catch (_) {
        return null;
    }
}

exportRpc("api", () => {
    whenJavaReady(Java, () => {
        installJavaHooks(Java, HOOKS);
    });
});
