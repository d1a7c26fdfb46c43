package android.provider;

import android.content.ContentResolver;

/** TEST DOUBLE of android.provider.Settings: Secure.getString(cr, "android_id") returns a fake ANDROID_ID. */
public class Settings {
    public static final class Secure {
        public static final String ANDROID_ID = "android_id";

        public static String getString(ContentResolver resolver, String name) {
            return ANDROID_ID.equals(name) ? "9774d56d682e549c" : null;
        }
    }
}
