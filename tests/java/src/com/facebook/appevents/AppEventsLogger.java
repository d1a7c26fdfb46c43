package com.facebook.appevents;

import android.content.Context;
import android.provider.Settings;
import com.example.app.Net;
import com.google.android.gms.ads.identifier.AdvertisingIdClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** TEST DOUBLE of an SDK caller (not Meta's SDK): reads the ad ID and ANDROID_ID, hashes an e-mail (SHA-256). */
public final class AppEventsLogger {
    private AppEventsLogger() {}

    public static String collect(Context context, String email) throws Exception {
        String adid = AdvertisingIdClient.getAdvertisingIdInfo(context).getId();
        String androidId = Settings.Secure.getString(context.getContentResolver(), Settings.Secure.ANDROID_ID);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] digest = sha.digest(email.trim().toLowerCase().getBytes(StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder();
        for (byte b : digest) {
            hex.append(String.format("%02x", b));
        }
        return "{\"event\":\"fb_mobile_activate_app\",\"advertiser_id\":\"" + adid + "\",\"anon_id\":\"XZ" + androidId
            + "\",\"ud\":{\"em\":\"" + hex + "\"}}";
    }

    public static int send(String url, String body) throws Exception {
        return Net.post(url, "application/json", body);
    }
}
