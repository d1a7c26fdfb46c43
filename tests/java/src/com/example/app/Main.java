package com.example.app;

import android.content.ClipboardManager;
import android.content.Context;
import android.database.Cursor;
import android.location.Location;
import android.location.LocationManager;
import android.net.Uri;
import android.provider.Settings;
import com.appsflyer.AppsFlyerLib;
import com.facebook.appevents.AppEventsLogger;
import com.google.android.gms.ads.identifier.AdvertisingIdClient;
import java.util.ArrayList;
import java.util.List;

/**
 * TEST DOUBLE "app": reads contacts and the clipboard itself, lets two SDK-like callers read
 * identifiers and the location, then sends everything over HTTPS.
 *
 * Usage: Main CA_PEM FACEBOOK_URL APPSFLYER_URL [APP_URL]   (proxy via -Dhttps.proxyHost/-Dhttps.proxyPort)
 *        Main --applog CA_PEM URL                   (an SDK-like AppLog sends ttEncrypt(gzip(JSON)))
 *        Main --webview PAGE_URL                    (an SDK-like in-app browser injects a key logger)
 *        Main --selftest                            (call the hooked APIs, print the results)
 *        Main --bench N                             (per-call cost of a hooked API, for benchmarks/hooks.py)
 */
public final class Main {
    private Main() {}

    static List<String> contactEmails(Context context) {
        List<String> emails = new ArrayList<>();
        Cursor c = context.getContentResolver().query(
            Uri.parse("content://com.android.contacts/data"), null, null, null, null);
        int col = c.getColumnIndex("data1");
        while (c.moveToNext()) {
            String v = c.getString(col);
            if (v.contains("@")) emails.add(v);
        }
        c.close();
        return emails;
    }

    static int sink;

    static long timeCalls(android.content.ContentResolver cr, String key, int n) {
        long t0 = System.nanoTime();
        int total = 0;
        for (int i = 0; i < n; i++) {
            String v = Settings.Secure.getString(cr, key);
            total += v == null ? 1 : v.length(); // used, so the JIT cannot drop the call
        }
        sink += total;
        return (System.nanoTime() - t0) / n;
    }

    public static void main(String[] args) throws Exception {
        Context context = new Context();
        if (args.length > 0 && args[0].equals("--selftest")) {
            String androidId = Settings.Secure.getString(context.getContentResolver(), "android_id");
            String adid = AdvertisingIdClient.getAdvertisingIdInfo(context).getId();
            Location loc = new LocationManager().getLastKnownLocation("gps");
            System.out.println("SELFTEST android_id=" + androidId + " adid=" + adid + " lat=" + loc.getLatitude());
            return;
        }
        if (args.length > 0 && args[0].equals("--bench")) {
            // Same JVM, same JIT state: time N calls, wait until the host has attached the
            // agent (a line on stdin), time them again. "other" is hooked but not recorded.
            int n = Integer.parseInt(args[1]);
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
            android.content.ContentResolver cr = context.getContentResolver();
            for (int i = 0; i < 20000; i++) Settings.Secure.getString(cr, (i & 1) == 0 ? "other" : "android_id");
            long before = timeCalls(cr, "android_id", n);
            System.out.println("READY unhooked_ns=" + before);
            System.out.flush();
            in.readLine();
            long recorded = timeCalls(cr, "android_id", n);
            long filtered = timeCalls(cr, "other", n);
            System.out.println("DONE recorded_ns=" + recorded + " filtered_ns=" + filtered);
            System.out.flush();
            in.readLine();
            return;
        }
        if (args.length > 1 && args[0].equals("--webview")) {
            com.bytedance.ies.webview.InAppBrowser.open(args[1]);
            Thread.sleep(300); // let the hook batch reach the host
            System.out.println("WEBVIEW opened " + args[1]);
            return;
        }
        if (args.length > 2 && args[0].equals("--applog")) {
            Net.init(args[1]);
            byte[] body = com.bytedance.applog.AppLog.pack(context);
            Thread.sleep(1200); // SDKs batch before they upload; lets the hook batches reach the host first
            System.out.println("applog " + com.bytedance.applog.AppLog.send(args[2], body));
            return;
        }
        Net.init(args[0]);
        List<String> emails = contactEmails(context);
        ClipboardManager clipboard = (ClipboardManager) context.getSystemService("clipboard");
        String clip = clipboard.getPrimaryClip().getItemAt(0).getText().toString();
        String fbBody = AppEventsLogger.collect(context, emails.get(0));
        String afBody = AppsFlyerLib.collect(context);
        // SDKs batch before they upload; also lets the hook batches reach the host first.
        Thread.sleep(1200);
        System.out.println("facebook " + AppEventsLogger.send(args[1], fbBody));
        System.out.println("appsflyer " + AppsFlyerLib.send(args[2], afBody));
        if (args.length > 3) {
            System.out.println("app " + Net.post(args[3], "text/plain", "clipboard=" + clip));
        }
    }
}
