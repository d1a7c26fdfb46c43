package com.appsflyer;

import android.content.Context;
import android.location.Location;
import android.location.LocationManager;
import android.provider.Settings;
import com.example.app.Net;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** TEST DOUBLE of an SDK caller (not AppsFlyer's SDK): reads ANDROID_ID and the location, AES-encrypts the payload. */
public final class AppsFlyerLib {
    private static final byte[] KEY = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IV = "fedcba9876543210".getBytes(StandardCharsets.US_ASCII);

    private AppsFlyerLib() {}

    public static String collect(Context context) throws Exception {
        String androidId = Settings.Secure.getString(context.getContentResolver(), "android_id");
        Location loc = new LocationManager().getLastKnownLocation("gps");
        String plain = "{\"af_android_id\":\"" + androidId + "\",\"lat\":" + loc.getLatitude() + ",\"lon\":" + loc.getLongitude() + "}";
        Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new IvParameterSpec(IV));
        byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
        return "{\"data\":\"" + Base64.getEncoder().encodeToString(sealed) + "\"}";
    }

    public static int send(String url, String body) throws Exception {
        return Net.post(url, "application/json", body);
    }
}
