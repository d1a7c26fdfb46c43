package com.google.android.gms.ads.identifier;

import android.content.Context;

/** TEST DOUBLE of Play services' AdvertisingIdClient: a fixed fake advertising ID. */
public class AdvertisingIdClient {
    public static final class Info {
        private final String id;
        private final boolean limit;

        public Info(String id, boolean limit) {
            this.id = id;
            this.limit = limit;
        }

        public String getId() { return id; }

        public boolean isLimitAdTrackingEnabled() { return limit; }
    }

    public static Info getAdvertisingIdInfo(Context context) {
        return new Info("38400000-8cf0-11bd-b23e-10b96e40000d", false);
    }
}
