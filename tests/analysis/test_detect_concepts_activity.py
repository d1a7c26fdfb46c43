"""Detection by concept (#12): app activity, diagnostics and user content.

Each family is written from the concept and the documented payloads of more than one SDK (the
wire format each request imitates is named in the test); every family has near misses that must
stay silent. Decoding is real (`decode_record`), so locations are the ones replay produces.
"""

from __future__ import annotations

import base64
import json

from support.decode import pb_field
from support.detect import detect_request, found_at

from phonehome.analysis.model import Detection


def run(url: str, body: object | str | None = None, *, form: bool = False) -> list[Detection]:
    return detect_request(url, body, form=form)


at = found_at


def activity(dets: list[Detection]) -> list[str]:
    return sorted(d.location for d in dets if d.category == "app_activity")


# --- typed event lists: which codes are something the user did ----------------------------------


def test_session_start_and_end_codes_of_typed_event_lists_are_app_activity() -> None:
    # Braze data API: `events[].name` is a type code; ss/se start and end a session
    body = {
        "events": [
            {"name": "ss", "time": 1796395283.5, "session_id": "a8bda845-9d19-483b-b7a5-2db51d4c2cb3"},
            {"name": "se", "time": 1796395290.1, "data": {"d": 6.6}},
        ],
        "device_id": "20285c74-5eff-4aad-a94e-5aec1f23f617",
    }
    dets = run("https://sdk.iad-01.braze.com/api/v3/data/", body)
    assert "app_activity" in at(dets, "events[0].name")
    assert "app_activity" in at(dets, "events[1].name")


def test_bookkeeping_codes_of_typed_event_lists_are_not_user_events() -> None:
    # Braze data API: location recorded, custom location attribute, subscription group update,
    # custom attribute array add, user alias: the SDK keeping its records, not something the user did
    body = {
        "events": [
            {"name": "lr", "data": {"latitude": 48.1374, "longitude": 11.5755}},
            {"name": "lcaa", "data": {"key": "home"}},
            {
                "name": "sgu",
                "data": {"group_id": "3c4d5e6f-7a8b-4c9d-0e1f-2a3b4c5d6e7f", "status": "subscribed"},
            },
            {"name": "add", "data": {"key": "interests", "value": "Kfz"}},
            {"name": "uae", "data": {"a": "crm-4711", "l": "crm"}},
        ]
    }
    assert activity(run("https://sdk.fra-01.braze.eu/api/v3/data/", body)) == []
    # a custom event in the same list stays an event
    body = {"events": [{"name": "ce", "data": {"n": "course_booked", "p": {"course": "B2"}}}]}
    assert "app_activity" in at(run("https://sdk.fra-01.braze.eu/api/v3/data/", body), "events[0].name")


def test_a_repeated_letter_outside_the_session_codes_stays_a_placeholder() -> None:
    dets = run("https://events.vendor-q.example/v1/batch", {"events": [{"name": "xx"}, {"event_type": "aa"}]})
    assert activity(dets) == []


# --- route patterns: a template whose words name nothing is no screen -----------------------------


def test_route_patterns_without_a_named_screen_are_not_app_activity() -> None:
    # Elastic APM RUM names page loads by route (`/:id`); Next.js (`/[slug]`), ASP.NET (`/{id}`)
    # and Flask (`/<int:pk>`) routers write parameters differently
    for name in ("/:id", "/[slug]", "/{id}/", "/<int:pk>", "/*"):
        dets = run(
            "https://apm.vendor-r.example/intake/v2/rum/events",
            {"transaction": {"name": name, "type": "page-load", "duration": 282}},
        )
        assert "app_activity" not in at(dets, "transaction.name"), name


def test_route_patterns_that_name_a_screen_stay_app_activity() -> None:
    for name in ("/orders/:id", "/jobs/{jobId}", "/settings"):
        dets = run(
            "https://apm.vendor-r.example/intake/v2/rum/events",
            {"transaction": {"name": name, "type": "page-load", "duration": 282}},
        )
        assert "app_activity" in at(dets, "transaction.name"), name


# --- searches: a backend's field filter is not what the user searched for -------------------------


def test_field_qualified_filters_are_not_search_texts() -> None:
    # Mandrill messages/search (`email:…`), Elasticsearch/Lucene query strings (`status:sent`)
    for query in ("email:kim.probe@mailbox.org", "status:sent AND tag:welcome", "user.id:4711"):
        dets = run("https://mail.vendor-s.example/api/1.0/messages/search", {"query": query, "limit": 5})
        assert "app_activity" not in at(dets, "json:query"), query


def test_search_texts_stay_app_activity() -> None:
    for query in ("Ausbildung Mechatroniker Berlin", "C++ tutorial: basics", "12:30 train"):
        dets = run("https://api.shop-x.example/search", {"query": query})
        assert "app_activity" in at(dets, "json:query"), query


# --- the page or screen the user is on: a URL naming one item, or an app's own screen -------------


def test_page_urls_naming_an_item_or_an_app_screen_are_app_activity() -> None:
    # New Relic browser agent (`ref` in the query), Application Insights page views
    # (`baseData.url`), Matomo tracking API (`url` with the app's own scheme), GA (`dl`)
    dets = run(
        "https://bam.vendor-t.example/events/1/KEY?ref=https%3A%2F%2Fshop.example%2Fproducts%2Fsku-8812"
    )
    assert "app_activity" in at(dets, "query:ref")
    dets = run(
        "https://in.vendor-u.example/v2/track",
        [{"data": {"baseType": "PageviewData", "baseData": {"url": "https://app.example.de/jobs/4471"}}}],
    )
    assert "app_activity" in at(dets, "baseData.url")
    dets = run(
        "https://stats.example.org/matomo.php",
        "idsite=3&rec=1&url=app%3A%2F%2Fde.example.app%2Fchat",
        form=True,
    )
    assert "app_activity" in at(dets, "url")
    dets = run(
        "https://collect.vendor-v.example/c", "v=2&dl=https%3A%2F%2Fm.example.com%2Forders%2F99812", form=True
    )
    assert "app_activity" in at(dets, "dl")


def test_page_urls_without_an_item_and_request_urls_are_not_app_activity() -> None:
    for url in (
        "http://localhost:8000/index.html",
        "https://m.example.com/",
        "https://api.example.com/v2/config",
    ):
        assert activity(run("https://bam.vendor-t.example/events", {"page": {"url": url}, "ref": url})) == []
    # resource timings and spans: requests the app's code made, not pages the user opened
    body = {
        "resources": [{"url": "https://api.example.de/v2/jobs/4471/applications", "duration": 182}],
        "spans": [{"http": {"url": "https://api.example.de/v2/jobs/4471"}}],
    }
    assert activity(run("https://rum.vendor-w.example/collect", body)) == []


# --- actions and their objects: CRM properties and counters of user actions -----------------------


def test_properties_naming_an_action_and_its_object_are_app_activity() -> None:
    # HubSpot/Intercom/Customer.io-style contact properties and custom attributes
    dets = run(
        "https://api.crm-x.example/crm/v3/objects/contacts/90211",
        {"properties": {"last_course_booked": "B2-intensive", "lastPurchasedAt": "2026-11-30"}},
    )
    assert "app_activity" in at(dets, "last_course_booked")
    assert "app_activity" in at(dets, "lastPurchasedAt")
    dets = run("https://api.crm-y.example/v1/people", {"custom_attributes": {"articles_viewed": 12}})
    assert "app_activity" in at(dets, "articles_viewed")


def test_flags_and_runtime_counters_are_not_actions() -> None:
    body = {
        "is_registered": "yes",
        "bytes_sent": 5120,
        "spans_exported": 40,
        "email_verified": "yes",
        "wishlist_added": "no",  # a flag says whether, not what, when or how often
    }
    assert activity(run("https://api.crm-x.example/crm/v3/objects/contacts/90211", body)) == []


def test_metrics_named_as_user_actions_are_app_activity() -> None:
    # OTLP/JSON, the New Relic metric API and Datadog series: `name`/`metric` of a metric
    otlp = {
        "resourceMetrics": [
            {"scopeMetrics": [{"metrics": [{"name": "jobs.viewed"}, {"name": "http.server.duration"}]}]}
        ]
    }
    dets = run("https://otlp.vendor-x.example/v1/metrics", otlp)
    assert "app_activity" in at(dets, "metrics[0].name")
    assert "app_activity" not in at(dets, "metrics[1].name")
    dets = run(
        "https://metric-api.vendor-y.example/metric/v1",
        [{"metrics": [{"name": "courses.booked", "value": 1}]}],
    )
    assert "app_activity" in at(dets, "metrics[0].name")
    dets = run("https://api.vendor-z.example/api/v2/series", {"series": [{"metric": "app.videos.watched"}]})
    assert "app_activity" in at(dets, "series[0].metric")


def test_otlp_protobuf_metric_names_are_read_by_their_field_numbers() -> None:
    def metric(name: str) -> bytes:
        return pb_field(2, pb_field(1, name))  # ScopeMetrics.metrics[].name

    body = pb_field(1, pb_field(2, metric("applications.submitted") + metric("process.cpu.time")))
    dets = detect_request("https://otlp.vendor-x.example/v1/metrics", body)
    assert "app_activity" in at(dets, "protobuf:1.2.2[0].1")
    assert "app_activity" not in at(dets, "protobuf:1.2.2[1].1")


def test_aggregate_states_and_runtime_metrics_are_not_actions() -> None:
    metrics = [
        {"name": n} for n in ("applications.pending", "http.server.requests.completed", "queue.tasks.added")
    ]
    assert activity(run("https://metric-api.vendor-y.example/metric/v1", [{"metrics": metrics}])) == []


# --- commerce: an order is app activity also when no event call carries it ------------------------


def test_an_order_written_to_an_order_collection_is_app_activity() -> None:
    # Mailchimp e-commerce (`/ecommerce/stores/{id}/orders`, `lines[]`), Shopify-style orders
    # (`line_items[]` with `price`), a booking API (`/bookings/{id}`)
    dets = run(
        "https://us1.api.crm-mail.example/3.0/ecommerce/stores/shop_1/orders",
        {"id": "o-77", "order_total": 12.5, "lines": [{"product_id": "tea", "quantity": 2, "price": 6.25}]},
    )
    assert "app_activity" in at(dets, "order_total")
    dets = run(
        "https://shop-x.example/admin/api/graph",
        {"order": {"line_items": [{"sku": "TEA-GRN-250", "price": "4.90", "quantity": 1}]}},
    )
    assert "app_activity" in at(dets, "line_items[0].sku")
    dets = run("https://api.rooms.example/v1/bookings/bk-2291", {"transactionId": "tx-99812", "price": 89})
    assert "app_activity" in at(dets, "transactionId")


def test_carts_without_prices_and_catalogues_are_not_orders() -> None:
    assert activity(run("https://shop-x.example/v2/cart", {"items": [{"sku": "A-1001", "qty": 1}]})) == []
    assert activity(run("https://shop-x.example/v2/catalog/search", {"sku": "A-1001", "price": 4.9})) == []
    assert (
        activity(run("https://shop-x.example/v2/orders/lookup", {"order_id": "A-1001", "price": 4.9})) == []
    )


def test_order_and_content_fields_of_compact_protocols_are_app_activity() -> None:
    # Matomo tracking API: an ecommerce order (`ec_id`) and a content interaction (`c_n`/`c_i`)
    dets = run(
        "https://stats.example.org/matomo.php",
        "idsite=3&rec=1&idgoal=0&ec_id=order_5512&revenue=9.99&c_n=banner_premium&c_i=click",
        form=True,
    )
    assert "app_activity" in at(dets, "ec_id")
    assert "app_activity" in at(dets, "c_n")
    # Snowplow tracker protocol: a transaction and its item
    dets = run("https://sp.collector.example/i?e=tr&tr_id=ord-4471&tr_tt=19.90&tv=js-3.0")
    assert "app_activity" in at(dets, "tr_id")
    dets = run("https://sp.collector.example/i?e=ti&ti_id=ord-4471&ti_sk=TEA-GRN-250&ti_pr=4.90")
    assert "app_activity" in at(dets, "ti_sk")
    # the same names inside JSON are no compact protocol
    assert activity(run("https://api.example.org/v1/config", {"tr_id": "x-17", "ec_id": "eu-central"})) == []


# --- CRM: notes and activity entries written to a person's record ------------------------------


def test_notes_and_activities_on_a_persons_record_are_app_activity() -> None:
    # Mailchimp (`/lists/{id}/members/{hash}/notes`, `note`), Freshdesk/Zendesk-style contact notes
    # and activity entries (`/contacts/{id}/notes`, `/customers/{id}/activities`)
    dets = run(
        "https://us6.api.crm-mail.example/3.0/lists/l1/members/716cbf9c2d6ed97910e991ab59590415/notes",
        {"note": "Hat sich für job_4471 beworben, Gespräch am Montag."},
    )
    assert "app_activity" in at(dets, "json:note")
    dets = run(
        "https://desk.example.com/api/v2/contacts/4711/notes", {"body": "Called about the late delivery"}
    )
    assert "app_activity" in at(dets, "json:body")
    dets = run(
        "https://crm.example.com/v1/customers/c-17/activities",
        {"type": "call", "description": "Asked for a refund of order 9931"},
    )
    assert "app_activity" in at(dets, "json:description")


def test_notes_not_on_a_persons_record_are_not_app_activity() -> None:
    assert (
        activity(run("https://docs.example.com/api/projects/p-4/notes", {"note": "Release on Monday"})) == []
    )
    assert activity(run("https://crm.example.com/v1/notes", {"body": "weekly sync agenda"})) == []
    assert activity(run("https://crm.example.com/v1/contacts/4711/notes", {"note": "x"})) == []


# --- user content: a text in the writer's own words; a push relaying a conversation ---------------


def content(dets: list[Detection]) -> list[str]:
    return sorted(d.location for d in dets if d.category == "user_content")


def test_texts_in_the_first_person_are_user_content() -> None:
    # Twilio Messages (form `Body`, a WhatsApp message quoting what the user wrote), Vonage SMS
    # (`text`), an app's own API taking a cover letter (`message`)
    dets = run(
        "https://api.sms-a.example/2010-04-01/Accounts/AC1/Messages.json",
        "To=whatsapp%3A%2B4917600000000&Body=Deine+Nachricht%3A+%22Ich+komme+10+Minuten+sp%C3%A4ter.%22",
        form=True,
    )
    assert content(dets) == ["body.form:Body"]
    dets = run(
        "https://rest.sms-b.example/sms/json", {"to": "4917600000000", "text": "I'll be there at 9, see you"}
    )
    assert "user_content" in at(dets, "json:text")
    dets = run(
        "https://api.app.example/v2/jobs/4471/applications",
        {"message": "Sehr geehrte Damen und Herren, hiermit bewerbe ich mich um den Ausbildungsplatz."},
    )
    assert "user_content" in at(dets, "json:message")


def test_templated_texts_and_log_lines_are_not_user_content() -> None:
    dets = run(
        "https://rest.sms-b.example/sms/json", {"to": "4917600000000", "text": "Dein Code lautet 482913"}
    )
    assert content(dets) == []
    dets = run("https://rest.sms-b.example/sms/json", {"text": "Go to My Account to confirm your order"})
    assert content(dets) == []
    dets = run(
        "https://logs.vendor-l.example/v1/input", {"logs": [{"message": "I could not reach the mail relay"}]}
    )
    assert content(dets) == []
    dets = run(
        "https://logs.vendor-l.example/v1/input",
        {"message": "I/ActivityManager: Start proc 4711 for activity"},
    )
    assert content(dets) == []


def test_a_push_text_is_user_content_only_when_it_relays_a_conversation() -> None:
    # FCM HTTP v1 (`message.notification.body`) and APNs (`aps.alert.body`)
    reminder = {
        "message": {
            "notification": {"title": "Erinnerung", "body": "Vergiss nicht, deine Bewerbung abzuschicken"}
        }
    }
    assert content(run("https://push.vendor-p.example/v1/projects/p/messages:send", reminder)) == []
    relayed = {
        "aps": {"alert": {"body": "Frau Krume: Bitte bring deinen Ausweis mit."}},
        "threadId": "thr-8812",
    }
    assert "user_content" in at(run("https://push.vendor-q.example/3/device/ab12cd", relayed), "alert.body")
    relayed = {
        "message": {"notification": {"body": "Passt, bis Montag!"}, "data": {"conversation_id": "c-17"}}
    }
    dets = run("https://push.vendor-p.example/v1/projects/p/messages:send", relayed)
    assert "user_content" in at(dets, "notification.body")


# --- crash reports: every rule applies inside them; where the user was is app activity -----------

SENTRY_EVENT = {
    # Sentry event payload (develop.sentry.dev "Event Payloads": exception, breadcrumbs, request, user)
    "event_id": "fc6d8c0c43fc4630ad850ee518f1b9d0",
    "platform": "javascript",
    "transaction": "/orders/:id",
    "user": {"id": "u-8812", "email": "kim.probe@mailbox.org"},
    "request": {"url": "https://app.example.de/orders/99812"},
    "breadcrumbs": {
        "values": [
            {"category": "navigation", "data": {"from": "/home", "to": "/orders/99812"}},
            {"category": "ui.click", "message": "button#pay"},
            {"category": "console", "message": "checkout for kim.probe@mailbox.org"},
            {"category": "fetch", "data": {"url": "https://api.example.de/v2/orders/99812", "method": "GET"}},
        ]
    },
    "exception": {
        "values": [
            {
                "type": "TypeError",
                "value": "Cannot read properties of undefined (reading 'total')",
                "stacktrace": {
                    "frames": [{"function": "pay", "lineno": 12, "vars": {"phone": "+4917612345678"}}]
                },
            }
        ]
    },
}


def test_a_sentry_event_is_searched_with_every_rule() -> None:
    dets = run("https://o4711.ingest.sentry.example/api/42/store/", SENTRY_EVENT)
    assert "diagnostics" in at(dets, "json:exception")
    assert "app_activity" in at(dets, "json:transaction")  # the route the user was on
    assert "app_activity" in at(dets, "request.url")  # the page the user was on
    assert "app_activity" in at(dets, "values[0].data.to")  # navigation breadcrumb
    assert "app_activity" in at(dets, "values[1].message")  # what the user tapped
    assert "contact_info" in at(dets, "values[2].message")  # an e-mail in a console breadcrumb
    assert "contact_info" in at(dets, "vars.phone")  # a stack frame's local variable
    # a console or fetch breadcrumb records the app's code, not the user's moves
    assert "app_activity" not in at(dets, "values[2].message") | at(dets, "values[3].data.url")


def test_bugsnag_and_raygun_reports_name_where_the_user_was() -> None:
    # Bugsnag Error Reporting API v4 (`context`, breadcrumbs `type: navigation|user`)
    bugsnag = {
        "events": [
            {
                "exceptions": [
                    {"errorClass": "java.lang.IllegalStateException", "message": "order not found"}
                ],
                "context": "OrderDetailActivity",
                "breadcrumbs": [
                    {"name": "OrderDetail", "type": "navigation"},
                    {"name": "Tapped pay", "type": "user", "metaData": {"query": "grüner Tee"}},
                    {"name": "CartActivity#onResume()", "type": "navigation"},
                ],
            }
        ]
    }
    dets = run("https://notify.crash-a.example/", bugsnag)
    assert "app_activity" in at(dets, "events[0].context")
    assert "app_activity" in at(dets, "breadcrumbs[0].name")
    assert "app_activity" in at(dets, "breadcrumbs[1].metaData.query")
    assert "app_activity" not in at(dets, "breadcrumbs[2].name")  # a lifecycle callback: code
    # Raygun crash reporting API (`details.error`, `details.request.url`, breadcrumbs `type`)
    raygun = {
        "details": {
            "error": {"className": "NullReferenceException", "message": "Object reference not set"},
            "request": {"url": "https://shop.example.com/products/sku-4711"},
            "breadcrumbs": [{"type": "click-event", "message": "Add to basket"}],
        }
    }
    dets = run("https://api.crash-b.example/entries", raygun)
    assert "app_activity" in at(dets, "request.url")
    assert "app_activity" in at(dets, "breadcrumbs[0].message")


def test_a_context_or_transaction_not_beside_an_error_is_no_crash_screen() -> None:
    dets = run("https://api.example.org/v1/jobs", {"context": "nightly-export", "transaction": "batch-17"})
    assert activity(dets) == []


def test_stack_traces_of_more_runtimes_and_exception_classes_in_messages_are_diagnostics() -> None:
    texts = {
        "python": 'Traceback (most recent call last):\n  File "/app/shop/views.py", line 42, in checkout\n    x',
        "dart": "#0      OrderPage.build (package:shop/order_page.dart:88:12)\n#1      main (package:shop/main.dart:9:3)",
        "apple": "0   Shop   0x0000000100ab1234 -[OrderViewController viewDidLoad] + 52\n1   UIKitCore   0x1a2b3c4d5e",
        "message": "Unhandled promise rejection: TypeError: x is undefined",
    }
    for name, text in texts.items():
        dets = run("https://logs.vendor-l.example/v1/input", {"payload_text": text})
        assert "diagnostics" in at(dets, "payload_text"), name
    for text in (
        "Your order 0x12 ships soon, see you",
        "Error: please retry later",
        "see line 4, in the manual",
    ):
        assert run("https://logs.vendor-l.example/v1/input", {"payload_text": text}) == [], text


def test_an_sdk_health_check_is_diagnostics_even_with_zero_counts() -> None:
    # Countly SDK health check (`hc` form parameter holding JSON), a generic `health_check` object
    dets = run(
        "https://stats.example.org/i",
        "app_key=k1&hc=%7B%22el%22%3A0%2C%22wl%22%3A1%7D&sdk_name=web",
        form=True,
    )
    assert "diagnostics" in {d.category for d in dets}
    dets = run("https://sdk.vendor-m.example/v1/ping", {"health_check": {"dropped": 0, "errors": 0}})
    assert "diagnostics" in {d.category for d in dets}


# --- items typed as diagnostics, route changes ----------------------------------------------------


def diagnostics(dets: list[Detection]) -> list[str]:
    return sorted(d.location for d in dets if d.category == "diagnostics")


def test_items_typed_as_performance_error_or_sdk_diagnostics_are_diagnostics() -> None:
    # Datadog RUM events (`type: resource|long_task`), LaunchDarkly diagnostic events
    # (`kind: diagnostic`), Sentry envelope items (`type: client_report`)
    rum = [{"type": "long_task", "long_task": {"id": "l1"}}, {"type": "resource", "date": 1796395283}]
    assert diagnostics(run("https://rum.vendor-n.example/api/v2/rum", rum)) == [
        "body.json:[0].type",
        "body.json:[1].type",
    ]
    dets = run("https://events.vendor-o.example/diagnostic", {"kind": "diagnostic", "droppedEvents": 0})
    assert "diagnostics" in at(dets, "json:kind")
    dets = run(
        "https://o1.ingest.vendor-s.example/api/2/envelope/",
        {"type": "client_report", "discarded_events": []},
    )
    assert "diagnostics" in at(dets, "json:type")


def test_other_item_types_are_not_diagnostics() -> None:
    body = {
        "data": [{"type": "resources", "id": "7"}, {"type": "user"}, {"kind": "article"}, {"type": "view"}]
    }
    assert diagnostics(run("https://api.vendor-j.example/v1/items", body)) == []


def test_a_route_change_names_the_screen_the_user_went_to() -> None:
    # Elastic APM RUM (`transaction.type: route-change`), a soft navigation of other RUM agents
    dets = run(
        "https://apm.vendor-r.example/intake/v2/rum/events",
        {"transaction": {"name": "/jobs/:jobId", "type": "route-change", "duration": 41}},
    )
    assert "app_activity" in at(dets, "transaction.name")
    dets = run(
        "https://rum.vendor-n.example/v1", {"events": [{"type": "soft_navigation", "name": "Checkout"}]}
    )
    assert "app_activity" in at(dets, "events[0].name")


# --- more shapes of the same concepts ------------------------------------------------------------


def test_texts_under_typed_value_wrappers_and_alert_strings() -> None:
    # Firestore REST writes (`fields.text.stringValue`), APNs with `alert` as a string
    write = {
        "writes": [
            {
                "update": {
                    "name": "projects/p/databases/(default)/documents/chats/c1/messages/m1",
                    "fields": {"text": {"stringValue": "Ich bin in 10 Minuten da"}},
                }
            }
        ]
    }
    dets = run("https://firestore.vendor-g.example/v1/projects/p/databases/(default)/documents:commit", write)
    assert "user_content" in at(dets, "text.stringValue")
    push = {"aps": {"alert": "Frau Krume: Bitte bring deinen Ausweis mit."}, "thread-id": "thr-8812"}
    assert "user_content" in at(run("https://push.vendor-q.example/3/device/ab12cd", push), "aps.alert")
    reminder = {"aps": {"alert": "Vergiss nicht, deine Bewerbung abzuschicken"}}
    assert content(run("https://push.vendor-q.example/3/device/ab12cd", reminder)) == []


def test_launch_counts_active_time_and_session_items_are_session_telemetry() -> None:
    # OneSignal `active_time`, app-rating SDKs' `launchCount`, Firebase `first_open_time`, Sentry
    # session envelope items (`sid`, `started`, `status`)
    dets = run(
        "https://api.vendor-h.example/players/p1/on_focus",
        {"active_time": 61, "launchCount": 14, "first_open_time": 1796390000000},
    )
    assert "app_activity" in at(dets, "active_time")
    assert "app_activity" in at(dets, "launchCount")
    assert "app_activity" in at(dets, "first_open_time")
    item = {
        "sid": "7c3f2a1e-9b8d-4c6e-a5f4-3e2d1c0b9a87",
        "started": "2026-12-04T10:00:00Z",
        "status": "exited",
    }
    assert "app_activity" in at(run("https://o1.ingest.vendor-s.example/api/2/envelope/", item), "status")


def test_store_hours_and_start_times_are_not_session_telemetry() -> None:
    body = {"store": {"open_time": "09:00"}, "span": {"start_time": 1796390000000}, "open_count": 3}
    assert activity(run("https://api.vendor-h.example/v1/stores", body)) == []


# --- SDK settings and bookkeeping events are not the user's activity ----------------------------


def test_session_settings_are_not_session_telemetry() -> None:
    # a timeout or limit configures sessions; it measures nothing the user did
    body = {
        "config": {"session_idle_timeout_seconds": 1800, "maxSessionDuration": 86400},
        "properties": {"$configured_session_timeout_ms": 1800000, "sessionInterval": 30000},
    }
    assert activity(run("https://eu.i.vendor-k.example/e/", body)) == []
    assert "app_activity" in at(run("https://eu.i.vendor-k.example/e/", {"session_length_ms": 61000}), "ms")


def test_events_named_as_sdk_bookkeeping_are_not_user_events() -> None:
    # Segment consent (`Segment Consent Preference Updated`), location and attribute updates,
    # PostHog's session-recording transport (`$snapshot`)
    for name in ("Segment Consent Preference Updated", "location_changed", "Attributes Set", "$snapshot"):
        dets = run("https://api.vendor-x.example/v1/t", {"type": "track", "event": name, "userId": "u-1"})
        assert "app_activity" not in at(dets, "json:event"), name
    for name in ("Location Searched", "Profile Updated", "Order Completed"):
        dets = run("https://api.vendor-x.example/v1/t", {"type": "track", "event": name, "userId": "u-1"})
        assert "app_activity" in at(dets, "json:event"), name


def test_a_session_records_start_is_app_activity_but_not_the_session_of_a_crash() -> None:
    # Bugsnag session tracking (`sessions[].startedAt`), a generic `session.start`
    dets = run(
        "https://sessions.crash-a.example/", {"sessions": [{"id": "s1", "startedAt": "2026-12-04T16:31:26Z"}]}
    )
    assert "app_activity" in at(dets, "startedAt")
    dets = run("https://collect.vendor-m.example/v1", {"session": {"id": "s1", "start_time": 1796390000000}})
    assert "app_activity" in at(dets, "start_time")
    crash = {
        "events": [
            {
                "exceptions": [{"errorClass": "E"}],
                "session": {"id": "s1", "startedAt": "2026-12-04T16:31:26Z"},
            }
        ]
    }
    assert activity(run("https://notify.crash-a.example/", crash)) == []


def test_an_object_named_as_an_order_with_order_fields_is_an_order() -> None:
    # Mixpanel people `$append: {$transactions: {…}}` (track_charge), a `purchase` object
    body = {"$append": {"$transactions": {"order_id": "o-42", "$amount": 4.99}}, "$distinct_id": "u-1"}
    assert "app_activity" in at(run("https://api-eu.vendor-m.example/engage", body), "order_id")
    body = {"purchase": {"transaction_id": "t-9", "revenue": 12.0, "currency": "EUR"}}
    assert "app_activity" in at(run("https://collect.vendor-m.example/v1/p", body), "transaction_id")
    assert activity(run("https://collect.vendor-m.example/v1/p", {"purchase": {"currency": "EUR"}})) == []


def test_the_screen_in_an_events_properties_is_app_activity() -> None:
    # Segment/PostHog-style batches: the event's name beside `properties.screen`, also for an error event
    body = {"batch": [{"event": "Job Viewed", "properties": {"screen": "JobDetail"}}]}
    assert "app_activity" in at(run("https://api.vendor-x.example/v1/batch", body), "properties.screen")
    body = {
        "batch": [
            {"event": "$exception", "properties": {"screen": "ApplyForm", "$exception_list": [{"type": "E"}]}}
        ]
    }
    assert "app_activity" in at(run("https://eu.i.vendor-k.example/batch/", body), "properties.screen")
    assert activity(run("https://cdn.vendor-x.example/cfg", {"properties": {"screen": "JobDetail"}})) == []


def test_javascript_frames_without_at_are_stack_frames() -> None:
    # console traces of session-recording plugins (rrweb console), Firefox/Safari-style frames
    body = {
        "trace": [
            "log (https://app.example.de/static/app.js:19451:11)",
            "https://app.example.de/static/app.js:522:1",
        ]
    }
    dets = run("https://rec.vendor-k.example/s/", body)
    assert "diagnostics" in {d.category for d in dets}
    assert run("https://rec.vendor-k.example/s/", {"trace": ["https://app.example.de/jobs/4471"]}) == []


def test_a_top_level_name_posted_to_an_events_collection_is_an_event() -> None:
    # Customer.io track API (`/customers/{id}/events`), Intercom/Keen-style `/events`
    dets = run(
        "https://track.vendor-c.example/api/v1/customers/u-1/events",
        {"name": "purchase", "data": {"price": 2}},
    )
    assert "app_activity" in at(dets, "json:name")
    assert activity(run("https://api.vendor-c.example/v1/teams", {"name": "Growth"})) == []


def test_feedback_and_reviews_in_the_first_person_are_user_content() -> None:
    dets = run(
        "https://api.vendor-fb.example/feedback",
        {"feedback": "The app crashes when I upload my CV", "rating": 2},
    )
    assert "user_content" in at(dets, "json:feedback")
    dets = run("https://api.vendor-fb.example/reviews", {"review": "Ich finde die Suche super", "stars": 5})
    assert "user_content" in at(dets, "json:review")
    assert (
        content(run("https://api.shop-x.example/products", {"description": "Green tea from Japan, 250 g"}))
        == []
    )


def test_a_link_made_for_sharing_records_that_the_user_shares() -> None:
    # Branch link creation (`feature=share`, `channel`), GA4 `share` parameters (`method`)
    dets = run(
        "https://api2.vendor-b.example/v1/url", "feature=share&channel=whatsapp&data=%7B%7D", form=True
    )
    assert "app_activity" in at(dets, "form:feature")
    dets = run(
        "https://links.vendor-d.example/v1/shortLinks", {"suffix": {"option": "SHORT"}, "intent": "invite"}
    )
    assert "app_activity" in at(dets, "json:intent")
    assert (
        activity(run("https://api2.vendor-b.example/v1/url", {"feature": "onboarding", "method": "POST"}))
        == []
    )


def test_supportability_metrics_are_sdk_health_data() -> None:
    # New Relic browser agent harvests: `sm` (the agent's own API-call counts)
    body = {"sm": [{"params": {"name": "API/setUserId/called"}, "stats": {"c": 1}}]}
    dets = run("https://bam.vendor-t.example/jserrors/1/KEY?a=1", body)
    assert "diagnostics" in {d.category for d in dets}


def test_engagement_time_page_paths_taps_scrolls_and_search_terms() -> None:
    # GA4 Measurement Protocol (`engagement_time_msec`, `page_location`), PostHog autocapture
    # (`$el_text`, `$pathname`), Segment `Link Clicked` (`link_text`), a `search.term` object
    dets = run(
        "https://x.vendor-g.example/mp/collect",
        {
            "events": [
                {
                    "name": "page_view",
                    "params": {
                        "engagement_time_msec": "1200",
                        "page_location": "https://m.example/jobs/4471",
                    },
                }
            ]
        },
    )
    assert "app_activity" in at(dets, "engagement_time_msec")
    assert "app_activity" in at(dets, "page_location")
    dets = run(
        "https://ph.vendor-k.example/e/",
        {"event": "$autocapture", "properties": {"$el_text": "Apply now", "$pathname": "/jobs/4471"}},
    )
    assert "app_activity" in at(dets, "$el_text")
    assert "app_activity" in at(dets, "$pathname")
    dets = run(
        "https://x.vendor-x.example/t",
        {"type": "track", "event": "Link Clicked", "properties": {"link_text": "Apply"}},
    )
    assert "app_activity" in at(dets, "link_text")
    assert "app_activity" in at(
        run("https://x.vendor-x.example/s", {"search": {"term": "Mechatroniker"}}), "search.term"
    )
    assert "app_activity" in at(
        run("https://x.vendor-x.example/v", {"page_path": "/a", "scroll_depth": 75}), "scroll_depth"
    )


def test_link_texts_outside_an_event_and_file_paths_are_not_taps_or_pages() -> None:
    body = {
        "notification": {"link_url": "https://m.example/offers", "button_text": "Open"},
        "path": "/data/files/4471.json",
    }
    assert activity(run("https://push.vendor-p.example/v1/send", body)) == []


def test_identity_changes_and_session_start_references_are_not_activity() -> None:
    # mParticle-style typed events (`event_type: user_identity_change`), a session's start time
    # attached to an event as a reference (like a session id)
    body = {
        "events": [{"event_type": "identity_changed", "data": {"session_start_unixtime_ms": 1796402999632}}]
    }
    assert activity(run("https://sdk.vendor-mp.example/v3/JS/key/events", body)) == []
    body = {
        "events": [
            {"event_type": "custom_event", "data": {"event_name": "Job Viewed", "session_start_ms": 1}}
        ]
    }
    assert "app_activity" in at(run("https://sdk.vendor-mp.example/v3/JS/key/events", body), "event_name")


def test_reports_of_flag_or_experiment_exposures_are_app_activity() -> None:
    # Split (`/api/testImpressions/bulk`), experiment platforms' `/exposures` endpoints
    dets = run(
        "https://events.vendor-sp.example/api/testImpressions/bulk",
        [{"f": "new_onboarding", "i": [{"k": "u-1"}]}],
    )
    assert "app_activity" in at(dets, "path[1]")
    dets = run("https://api.vendor-ex.example/v1/exposures", {"exposures": [{"flag": "f1", "variant": "on"}]})
    assert "app_activity" in at(dets, "path[1]")
    # an ad server's impression ping is no flag exposure
    assert activity(run("https://ads.vendor-ad.example/v2/impressions", {"ad_id": "a-1"})) == []


def test_compact_tracking_protocols_name_pages_events_searches_and_schemas() -> None:
    # Matomo / Piwik PRO tracking API: page title, site search, event category/action/name
    dets = run(
        "https://stats.example.org/matomo.php?idsite=1&rec=1&action_name=Jobs%20%2F%20Detail"
        "&search=Mechatroniker&e_c=job&e_a=apply&e_n=4471"
    )
    for name in ("action_name", "search", "e_c", "e_a"):
        assert "app_activity" in at(dets, f"query:{name}"), name
    # Snowplow tracker protocol: a self-describing event in base64 (`ue_px`) names its schema
    event = {
        "schema": "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
        "data": {"schema": "iglu:com.example/job_applied/jsonschema/1-0-0", "data": {"job": "4471"}},
    }
    px = base64.urlsafe_b64encode(json.dumps(event).encode()).decode().rstrip("=")
    dets = run(f"https://sp.collector.example/i?e=ue&ue_px={px}&tv=js-3.0")
    assert "app_activity" in at(dets, "data.schema")
    assert "app_activity" in at(dets, "query:e")


def test_opentelemetry_mobile_screen_and_widget_attributes_are_app_activity() -> None:
    # OTLP/JSON log records with the OpenTelemetry mobile conventions (`app.screen.name`,
    # `app.widget.name` on an `app.screen.click` event)
    def kv(key: str, value: str) -> dict:
        return {"key": key, "value": {"stringValue": value}}

    record = {
        "eventName": "app.screen.click",
        "attributes": [kv("app.screen.name", "JobDetail"), kv("app.widget.name", "apply_button")],
    }
    body = {"resourceLogs": [{"scopeLogs": [{"logRecords": [record]}]}]}
    dets = run("https://otlp.vendor-x.example/v1/logs", body)
    assert "app_activity" in at(dets, "attributes[0].value.stringValue")
    assert "app_activity" in at(dets, "attributes[1].value.stringValue")


def test_messages_posted_into_a_chat_channel_or_room_are_user_content() -> None:
    # Stream Chat (`/channels/messaging/{id}/message`), Matrix/Rocket.Chat-style rooms
    dets = run(
        "https://chat.vendor-st.example/channels/messaging/c1/message", {"message": {"text": "Bis morgen!"}}
    )
    assert "user_content" in at(dets, "message.text")
    dets = run("https://api.app.example/v1/rooms/r1/messages", {"body": "Bis morgen!"})
    assert "user_content" in at(dets, "json:body")
    # a channel's settings or an app's mail sent through a messages API are no chat
    assert content(run("https://chat.vendor-st.example/channels/c1/settings", {"text": "Team Nord"})) == []
    assert (
        content(run("https://mail.vendor-m.example/api/1.0/messages/send", {"text": "Dein Code: 4711"})) == []
    )


def test_photos_and_recordings_sent_inline_are_user_content() -> None:
    jpeg = base64.b64encode(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256))).decode()
    dets = run("https://api.app.example/v1/profile/photo", {"photo": "data:image/jpeg;base64," + jpeg})
    assert "user_content" in at(dets, "json:photo")
    dets = run("https://api.app.example/v1/notes", {"attachment": {"content": jpeg, "type": "image/jpeg"}})
    assert "user_content" in at(dets, "attachment.content")
    # an icon or a page asset inlined by a session recorder is not the user's
    dets = run(
        "https://rec.vendor-k.example/s/", {"node": {"src": "data:image/png;base64," + jpeg}, "icon": jpeg}
    )
    assert content(dets) == []


def test_verbs_as_adjectives_capitals_and_push_links_are_not_activity_or_content() -> None:
    body = {"shared_secret": "c2VjcmV0LXZhbHVl", "shared_preferences": "prefs.xml", "saved_state": "s-17"}
    assert activity(run("https://api.vendor-y.example/v1/cfg", body)) == []
    # `IO` in capitals is no Italian first person
    assert (
        content(run("https://api.vendor-y.example/v1/msg", {"message": "IO error while reading file"})) == []
    )
    # the deep link a push offers is not a page the user is on
    push = {
        "notification": {"title": "Neu", "url": "https://m.example/jobs/4471"},
        "data": {"route": "app://x/jobs"},
    }
    assert "app_activity" not in at(run("https://push.vendor-p.example/v1/send", push), "notification.url")


def test_hits_typed_as_views_and_names_under_event_lists_are_app_activity() -> None:
    # Plausible Events API (`n: pageview`), Universal Analytics (`t=screenview`), an SDK's
    # `eventList[].name`
    dets = run(
        "https://plausible.vendor-pl.example/api/event",
        {"n": "pageview", "u": "https://m.example/", "d": "m.example"},
    )
    assert "app_activity" in at(dets, "json:n")
    assert "app_activity" in at(
        run("https://ua.vendor-g.example/collect", "v=1&t=screenview&cd=Home", form=True), "form:t"
    )
    dets = run(
        "https://api.vendor-w.example/v1/sync", {"eventList": [{"name": "course_booked", "ts": 1796390000}]}
    )
    assert "app_activity" in at(dets, "eventList[0].name")
    assert (
        activity(
            run("https://api.vendor-w.example/v1/sync", {"teamList": [{"name": "Growth"}], "mode": "preview"})
        )
        == []
    )


def test_prefixed_page_names_sdk_screen_params_and_ua_paths() -> None:
    # Amplitude autocapture (`[Amplitude] Page URL`, `[Amplitude] Element Text`), Firebase
    # (`firebase_screen`), Universal Analytics (`dp`)
    event = {
        "event_type": "[Amplitude] Page Viewed",
        "event_properties": {
            "[Amplitude] Page URL": "https://m.example/jobs/4471",
            "[Amplitude] Element Text": "Apply",
        },
    }
    dets = run("https://api2.vendor-a.example/2/httpapi", {"events": [event]})
    assert "app_activity" in at(dets, '["[Amplitude] Page URL"]')
    assert "app_activity" in at(dets, '["[Amplitude] Element Text"]')
    dets = run(
        "https://x.vendor-g.example/mp/collect",
        {"events": [{"name": "screen_view", "params": {"firebase_screen": "JobDetail"}}]},
    )
    assert "app_activity" in at(dets, "firebase_screen")
    assert "app_activity" in at(
        run("https://ua.vendor-g.example/collect", "v=1&t=event&dp=%2Fjobs%2F4471", form=True), "form:dp"
    )
    assert (
        activity(run("https://api.vendor-y.example/v1/cfg", {"full_screen": "true", "lock_screen": "on"}))
        == []
    )


def test_events_named_as_the_sdks_own_operations_are_not_user_events() -> None:
    for name in ("wzrk_fetch", "config_sync", "queue_flush"):
        dets = run("https://api.vendor-x.example/v1/t", {"type": "track", "event": name, "userId": "u-1"})
        assert "app_activity" not in at(dets, "json:event"), name


def test_items_and_paths_that_report_a_session_are_session_telemetry() -> None:
    # App Center logs (`type: startSession`), Kochava (`action: session`), OneSignal
    # (`/players/{id}/on_session`), Sentry envelope items (`type: session`)
    dets = run(
        "https://in.vendor-ac.example/logs?api-version=1.0.0",
        {"logs": [{"type": "startSession", "sid": "s1"}]},
    )
    assert "app_activity" in at(dets, "logs[0].type")
    dets = run(
        "https://control.vendor-ko.example/track/json", {"action": "session", "data": {"state": "resume"}}
    )
    assert "app_activity" in at(dets, "json:action")
    dets = run(
        "https://api.vendor-os.example/api/v1/players/p-1/on_session", {"app_id": "a1", "language": "de"}
    )
    assert "app_activity" in at(dets, "path[4]")
    assert activity(run("https://api.vendor-os.example/api/v1/sessions", {"type": "sessions_config"})) == []


def test_trace_lists_are_diagnostics() -> None:
    # APM SDKs' trace uploads (`traces[]` of named, timed traces)
    dets = run(
        "https://apm.vendor-ib.example/api/sdk/v3/traces",
        {"traces": [{"name": "checkout_load", "duration_ms": 812}]},
    )
    assert "diagnostics" in {d.category for d in dets}


def test_mobile_vitals_and_hang_reports_are_diagnostics() -> None:
    # Sentry mobile measurements (`app_start_cold`, `time_to_full_display`, `frames_frozen`),
    # Android vitals-style names (`ttid`, `janky_frames`), hang and out-of-memory reports by type
    body = {"measurements": {"app_start_cold": {"value": 812}}, "vitals": {"ttid": 420, "janky_frames": 3}}
    dets = run("https://o1.ingest.vendor-s.example/api/2/envelope/", body)
    assert "diagnostics" in at(dets, "app_start_cold")
    assert "diagnostics" in at(dets, "ttid")
    dets = run(
        "https://crash.vendor-e.example/v2/report",
        [{"type": "app_hang", "duration_ms": 2100}, {"type": "oom"}],
    )
    assert "diagnostics" in at(dets, "[0].type")
    assert "diagnostics" in at(dets, "[1].type")


def test_comments_on_ratings_and_answers_to_questions_are_user_content() -> None:
    # Countly star-rating widget (`segmentation.rating` + `comment`), NPS/survey SDKs
    events = [
        {
            "key": "[CLY]_star_rating",
            "segmentation": {"rating": 4, "comment": "Gute App, Suche könnte schneller sein"},
        }
    ]
    dets = run("https://stats.vendor-co.example/i", {"events": events})
    assert "user_content" in at(dets, "segmentation.comment")
    dets = run(
        "https://survey.vendor-q.example/v1/responses",
        {"answers": [{"question_id": "q2", "text": "Zu wenig Stellen in Berlin"}]},
    )
    assert "user_content" in at(dets, "answers[0].text")
    # a rated item's title or a score's label is no comment: only free text under a text name
    dets = run(
        "https://survey.vendor-q.example/v1/responses",
        {"rating": 4, "title": "Great app overall", "label": "Sehr gut bewertet"},
    )
    assert content(dets) == []


def test_session_totals_and_active_days_are_session_telemetry() -> None:
    # engagement profiles of CRM and rating SDKs: `total_sessions`, `numVisits`, `days_since_install`,
    # `active_days`; a setting with days (`max_days_since_prompt`) is no measurement
    body = {"total_sessions": 41, "numVisits": 17, "days_since_install": 23, "active_days": 12}
    dets = run("https://api.vendor-rt.example/v1/profile", body)
    for name in body:
        assert "app_activity" in at(dets, name), name
    assert (
        activity(
            run("https://api.vendor-rt.example/v1/cfg", {"max_days_since_prompt": 30, "retention_days": 90})
        )
        == []
    )


def test_hits_typed_page_or_screen_at_the_top_are_views() -> None:
    # CleverTap-style query hits (`type=page`), Segment `page` calls without a name in a batch
    assert "app_activity" in at(run("https://eu1.vendor-ct.example/a?t=96&type=page&rn=2"), "query:type")
    body = {"batch": [{"type": "page", "properties": {"path": "/"}, "anonymousId": "a-1"}]}
    assert "app_activity" in at(run("https://api.vendor-x.example/v1/batch", body), "batch[0].type")
    # a nested object typed `page` (a CMS block, a pagination cursor) is no view
    body = {"blocks": [{"content": {"type": "page", "id": "p-1"}}], "cursor": {"type": "page"}}
    assert activity(run("https://api.cms-x.example/v1/blocks", body)) == []


def test_goals_steps_and_search_queries_by_their_parent() -> None:
    # goal/conversion/step names of engagement SDKs; `search.query` objects
    body = {"event": "goal_reached", "goal_name": "first_application", "step_name": "upload_cv"}
    dets = run("https://api.vendor-y.example/v1/t", body)
    assert "app_activity" in at(dets, "goal_name")
    assert "app_activity" in at(dets, "step_name")
    assert "app_activity" in at(
        run("https://api.vendor-y.example/v1/s", {"search": {"query": "Mechatroniker"}}), "search.query"
    )
    assert (
        activity(
            run(
                "https://api.vendor-y.example/v1/g", {"graphql": {"query": "query Me { id }"}, "step_size": 5}
            )
        )
        == []
    )


def test_log_lines_with_a_time_stamp_and_a_level_are_diagnostics() -> None:
    # a logger's line and Android logcat's format, sent as text
    for text in (
        "2026-12-04 10:00:01 INFO upload started for job 4471",
        "12-04 10:00:01.123  4711  4712 E Azubi: failed",
    ):
        dets = run("https://logs.vendor-l.example/v1/input", {"payload_text": text})
        assert "diagnostics" in at(dets, "payload_text"), text
    assert (
        run(
            "https://logs.vendor-l.example/v1/input",
            {"payload_text": "2026-12-04 meeting at 10:00 INFO desk"},
        )
        == []
    )


def test_a_rum_views_url_and_url_path_name_the_item() -> None:
    # Datadog RUM view events (`view.url`, `view.url_path`); an avatar's URL is no page
    body = [{"type": "view", "view": {"url": "https://m.example/jobs/4471", "url_path": "/jobs/4471"}}]
    dets = run("https://rum.vendor-n.example/api/v2/rum", body)
    assert "app_activity" in at(dets, "view.url")
    assert "app_activity" in at(dets, "view.url_path")
    assert (
        activity(
            run("https://api.vendor-y.example/v1/me", {"avatar_url": "https://cdn.example/users/4711/a.png"})
        )
        == []
    )


def test_recency_properties_of_a_profile_are_app_activity() -> None:
    # Intercom (`last_seen_at`), CRM profiles (`lastLogin`, `first_purchase_date`)
    body = {
        "last_seen_at": 1796390000,
        "lastLogin": "2026-12-03T20:11:00Z",
        "first_purchase_date": "2026-11-02",
    }
    dets = run("https://api.crm-y.example/contacts/c-17", body)
    for name in body:
        assert "app_activity" in at(dets, name), name
    assert (
        activity(
            run(
                "https://api.crm-y.example/contacts/c-17",
                {"last_modified": "2026-12-03", "last_session_id": "x"},
            )
        )
        == []
    )


def test_a_push_whose_category_or_channel_is_a_chat_relays_a_conversation() -> None:
    # APNs `aps.category`, FCM `android.notification.channel_id`
    push = {
        "aps": {"alert": {"title": "Bäckerei Krume", "body": "Passt, bis Montag!"}, "category": "CHAT_REPLY"}
    }
    assert "user_content" in at(run("https://push.vendor-q.example/3/device/ab12cd", push), "alert.body")
    fcm = {
        "message": {
            "notification": {"body": "Passt, bis Montag!"},
            "android": {"notification": {"channel_id": "chat_messages"}},
        }
    }
    assert "user_content" in at(
        run("https://push.vendor-p.example/v1/projects/p/messages:send", fcm), "notification.body"
    )
    reminder = {"aps": {"alert": {"body": "Dein Termin ist morgen um 9"}, "category": "REMINDER"}}
    assert content(run("https://push.vendor-q.example/3/device/ab12cd", reminder)) == []


def test_urls_of_network_logs_and_callbacks_are_no_pages() -> None:
    # network-monitoring SDKs (`network_requests[]`), webhook and callback URLs
    body = {
        "network_requests": [{"url": "https://api.example.de/v2/users/4711", "status": 200}],
        "callback": {"url": "https://app.example.de/orders/99812/paid"},
    }
    assert activity(run("https://apm.vendor-ib.example/api/sdk/v3/network", body)) == []


def test_broken_urls_in_pages_and_token_issuers_do_not_crash_detection() -> None:
    # `urlsplit` raises on a broken IPv6 literal; captured traffic is hostile input
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    token = f"{part({'alg': 'HS256'})}.{part({'iss': 'https://[bad/x', 'sub': 'u-1'})}.c2ln"
    bodies = [{"url": "http://[abc/jobs/1"}, {"ref": "app://[x/y"}, {"session_jwt": token}]
    for body in bodies:
        assert activity(run("https://x.vendor-z.example/t", body)) == []
    dets = detect_request(
        "https://x.vendor-z.example/t", None, headers=(("Authorization", f"Bearer {token}"),)
    )
    assert "credentials" not in {d.category for d in dets}
