"""Batch B of the other-vendor probe corpus: HELD OUT for the lead's final measurement (do not read
its flows or labels, nor tune against it). The hosts each recording maps to the local sink."""

from __future__ import annotations

import sys

Vendor = sys.modules["realsdk_record"].Vendor

VENDORS_B = {
    "B-rollbar": Vendor("browser", ("api.rollbar.com", "cdn.rollbar.com")),
    "B-growthbook": Vendor("browser", ("cdn.growthbook.io", "api.growthbook.io", "us-east-1.gb-ingest.com")),
    "B-flagsmith": Vendor("browser", ("edge.api.flagsmith.com", "api.flagsmith.com")),
    "B-configcat": Vendor("browser", ("cdn-eu.configcat.com", "cdn-global.configcat.com")),
    "B-unleash": Vendor("browser", ("eu.app.unleash-hosted.com", "app.unleash-hosted.com")),
    "B-snowplow": Vendor("browser", ("com-azubiapp-prod1.collector.snplow.net",)),
    "B-plausible": Vendor("browser", ("plausible.io",)),
    "B-iterable": Vendor("browser", ("api.eu.iterable.com", "api.iterable.com")),
    "B-customerio": Vendor(
        "node", ("track-eu.customer.io", "api-eu.customer.io", "track.customer.io", "api.customer.io")
    ),
    "B-klaviyo": Vendor("node", ("a.klaviyo.com",)),
    "B-rudderstack": Vendor("node", ("azubiappxkq.dataplane.rudderstack.com", "hosted.rudderlabs.com")),
    "B-meta-capi": Vendor("node", ("graph.facebook.com",)),
    "B-onesignal": Vendor("node", ("api.onesignal.com", "onesignal.com")),
    "B-pusher-beams": Vendor("node", ("8f3c2a1b-9e8d-4c7f-a6b5-4c3d2e1f0a9b.pushnotifications.pusher.com",)),
}

# Added after the first landing of batch B (recorded and labelled before phonehome's output on
# them was read).
VENDORS_B.update(
    {
        "B-honeybadger": Vendor("browser", ("api.honeybadger.io", "js.honeybadger.io", "app.honeybadger.io")),
        "B-airbrake": Vendor("browser", ("api.airbrake.io", "notifier-configs.airbrake.io")),
        "B-appsignal": Vendor("browser", ("appsignal-endpoint.net",)),
        "B-logtail": Vendor("browser", ("in.logs.betterstack.com",)),
    }
)
VENDORS_B.update(
    {
        "B-honeycomb": Vendor("browser", ("api.honeycomb.io", "api.eu1.honeycomb.io")),
        "B-raygun": Vendor("browser", ("api.raygun.io", "api.raygun.com", "cdn.raygun.io")),
        "B-snowplow-node": Vendor("node", ("com-azubiapp-prod1.collector.snplow.net",)),
    }
)
