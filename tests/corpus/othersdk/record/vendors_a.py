"""Batch A of the other-vendor probe corpus (open: detection engineers may read its aggregate
misses): the hosts each recording maps to the local sink. Names are the flow files' stems."""

from __future__ import annotations

import sys

Vendor = sys.modules["realsdk_record"].Vendor

VENDORS_A = {
    "A-mixpanel": Vendor(
        "browser", ("api-eu.mixpanel.com", "api-js.mixpanel.com", "api.mixpanel.com", "cdn.mxpnl.com")
    ),
    "A-mixpanel-node": Vendor("node", ("api-eu.mixpanel.com", "api.mixpanel.com")),
    "A-amplitude": Vendor(
        "browser",
        (
            "api.eu.amplitude.com",
            "api2.amplitude.com",
            "sr-client-cfg.eu.amplitude.com",
            "sr-client-cfg.amplitude.com",
            "cdn.amplitude.com",
            "api.lab.eu.amplitude.com",
            "flag.lab.eu.amplitude.com",
        ),
    ),
    "A-segment": Vendor("browser", ("cdn.segment.com", "api.segment.io", "cdn.segment.io")),
    "A-segment-node": Vendor("node", ("api.segment.io",)),
    "A-posthog": Vendor(
        "browser", ("eu.i.posthog.com", "eu-assets.i.posthog.com", "eu.posthog.com", "us.i.posthog.com")
    ),
    "A-posthog-node": Vendor("node", ("eu.i.posthog.com", "eu.posthog.com")),
    "A-sentry": Vendor("browser", ("o4507223456789504.ingest.de.sentry.io", "browser.sentry-cdn.com")),
    "A-bugsnag": Vendor("browser", ("notify.bugsnag.com", "sessions.bugsnag.com")),
    "A-launchdarkly": Vendor(
        "browser",
        (
            "clientsdk.launchdarkly.com",
            "events.launchdarkly.com",
            "clientstream.launchdarkly.com",
            "app.launchdarkly.com",
            "mobile.launchdarkly.com",
        ),
    ),
}

# Added after the first landing of batch A (recorded and labelled before phonehome's output on
# them was read): four more vendors, to balance the two batches.
VENDORS_A.update(
    {
        "A-split": Vendor(
            "browser",
            (
                "sdk.split.io",
                "events.split.io",
                "auth.split.io",
                "telemetry.split.io",
                "streaming.split.io",
            ),
        ),
        "A-mparticle": Vendor(
            "browser",
            (
                "jssdks.eu1.mparticle.com",
                "identity.eu1.mparticle.com",
                "jssdkcdns.mparticle.com",
                "jssdks.mparticle.com",
                "identity.mparticle.com",
            ),
        ),
        "A-clevertap": Vendor("browser", ("eu1.clevertap-prod.com", "clevertap-prod.com", "wzrkt.com")),
        "A-singular": Vendor("browser", ("sdk-api-v1.singular.net",)),
    }
)
