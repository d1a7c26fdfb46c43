package com.bytedance.applog;

import android.content.Context;
import android.provider.Settings;
import com.bytedance.frameworks.encryptor.EncryptorUtil;
import com.example.app.Net;
import com.google.android.gms.ads.identifier.AdvertisingIdClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.zip.GZIPOutputStream;

/**
 * TEST DOUBLE of an SDK's device registration (not ByteDance's SDK): the shape of the request is
 * the published one — JSON, gzip'd, ttEncrypt'd, sent as application/octet-stream;tt-data=a with
 * X-SS-STUB = MD5 of the body.
 */
public final class AppLog {
    private AppLog() {}

    public static byte[] pack(Context context) throws Exception {
        String androidId = Settings.Secure.getString(context.getContentResolver(), Settings.Secure.ANDROID_ID);
        String adid = AdvertisingIdClient.getAdvertisingIdInfo(context).getId();
        String json = "{\"magic_tag\":\"ss_app_log\",\"header\":{\"aid\":1233,\"openudid\":\"" + androidId
            + "\",\"google_aid\":\"" + adid + "\",\"device_model\":\"Pixel 7\",\"os_version\":\"14\","
            + "\"timezone\":1,\"language\":\"de\"},\"_gen_time\":1700000000000}";
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
            gz.write(json.getBytes(StandardCharsets.UTF_8));
        }
        byte[] plain = buf.toByteArray();
        return EncryptorUtil.ttEncrypt(plain, plain.length);
    }

    public static int send(String url, byte[] body) throws Exception {
        byte[] md5 = MessageDigest.getInstance("MD5").digest(body);
        StringBuilder hex = new StringBuilder();
        for (byte b : md5) {
            hex.append(String.format("%02X", b));
        }
        return Net.postBytes(url, "application/octet-stream;tt-data=a", body, "X-SS-STUB", hex.toString());
    }
}
