"""Compact vendor wire formats (docs/decode.md): New Relic's bel serialisation.

Bodies are built by small encoders written from each format's published serializer (cited at
each encoder), not copied from recorded traffic; the tests check the decoded leaves and what the
generic detection rules make of them.
"""

from __future__ import annotations

import json

from support.decode import by_location, record
from support.detect import detect_request, found_at

from phonehome.analysis.decode import decode_record

# --- New Relic bel (`@newrelic/browser-agent` src/common/serialize/bel-serializer.js) -----------


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


class Bel:
    """`getAddStringContext` / `numeric` / `nullable` / `addCustomAttributes` of the agent."""

    def __init__(self) -> None:
        self.table: dict[str, int] = {}

    def s(self, text: str) -> str:
        if text == "":
            return ""
        if text in self.table:
            return _base36(self.table[text])
        self.table[text] = len(self.table)
        return "'" + text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")

    @staticmethod
    def n(value: int) -> str:
        return "" if value == 0 else _base36(value)

    def nullable_s(self, text: str | None) -> str:
        return "!" if text is None else self.s(text) + ","

    def attrs(self, attrs: dict[str, object]) -> list[str]:
        parts = []
        for key, value in attrs.items():
            k = self.s(key)
            if isinstance(value, bool):
                parts.append(f"{7 if value else 8},{k}")
            elif isinstance(value, int | float):
                parts.append(f"6,{k},{value if value % 1 else f'{value}.'}")
            elif value is None:
                parts.append(f"9,{k}")
            else:
                parts.append(f"5,{k},{self.s(str(value))}")
        return parts

    def timings(self, events: list[tuple[str, int, dict[str, object]]]) -> str:
        """page_view_timing's serializer: `bel.6;e,<name>,<value>,<n attributes>;<attributes>`."""
        out = []
        for name, value, attrs in events:
            head = f"e,{self.s(name)},{self.n(value)}"  # the name enters the table first
            parts = self.attrs(attrs)
            out.append(";".join([f"{head},{self.n(len(parts))}", *parts]))
        return "bel.6;" + ";".join(out)


ATTRS = {
    "net-etype": "4g",
    "net-rtt": 100,
    "net-dlink": 1.55,
    "enduser.id": "member-77120",
    "signedIn": True,
    "pageUrl": "https://shop.example/cart?step=2",
}


def test_bel_page_view_timings_decode_with_their_string_table() -> None:
    body = Bel().timings([("fcp", 812, ATTRS), ("lcp", 1290, ATTRS)])
    assert body.count("'net-etype") == 1  # the second event refers to the table
    out = by_location(decode_record(record(body.encode(), content_type="text/plain")))
    for i, (name, value) in enumerate([("fcp", "812"), ("lcp", "1290")]):
        node = f"body.bel:[{i}].PageViewTiming"
        assert out[f"{node}.timingName"] == [name]
        assert out[f"{node}.timing.{name}"] == [value]
        assert out[f"{node}.attributes.net-etype"] == ["4g"]
        assert out[f"{node}.attributes.net-rtt"] == ["100."]
        assert out[f"{node}.attributes.net-dlink"] == ["1.55"]
        assert out[f'{node}.attributes["enduser.id"]'] == ["member-77120"]
        assert out[f"{node}.attributes.signedIn"] == ["true"]
        assert out[f"{node}.attributes.pageUrl"] == ["https://shop.example/cart?step=2"]


def test_bel_escapes_and_nulls() -> None:
    b = Bel()
    parts = b.attrs({"note": "a,b;c\\d", "gone": None})
    body = f"bel.6;e,{b.s('load')},{b.n(40)},{b.n(len(parts))};" + ";".join(parts)
    decoded = decode_record(record(body.encode(), content_type="text/plain"))
    out = by_location(decoded)
    assert out["body.bel:[0].PageViewTiming.attributes.note"] == ["a,b;c\\d"]
    assert not [loc for loc in out if loc.endswith(".gone")]
    assert all(leaf.decoding == ("bel",) for leaf in decoded.leaves if leaf.location.steps[:1] == ("bel",))


def test_bel_interaction_with_an_ajax_child_and_navigation_timing() -> None:
    """soft_navigations' serializer (interaction.js, ajax-node.js, initial-page-load-interaction.js)."""
    b = Bel()  # strings enter the table in the order the agent writes them
    ixn = ",".join(
        [
            "1",
            b.n(2),  # one attribute and one AJAX node attach to it
            "",
            b.n(900),
            "",
            "",
            b.s("popstate"),
            b.s("https://shop.example/"),
            b.s("https://shop.example/"),
            b.s("https://shop.example/orders/991"),
            "",
            "1",
            "!!" + b.nullable_s("/") + b.nullable_s("/orders/:id") + b.s("ixn-1"),
            b.s("6"),
            f"{b.n(44)},{b.n(52)}",
        ]
    )
    attrs = b.attrs({"enduser.id": "member-77120"})
    ajax = ",".join(
        [
            "2",
            b.n(0),
            b.n(30),
            b.n(45),
            "",
            "",
            b.s("POST"),
            b.n(201),
            b.s("api.shop.example:443"),
            b.s("/v1/orders"),
            b.n(120),
            b.n(80),
            "1",
            b.s("7"),
            "!!!",
        ]
    )
    nav = "b," + ",".join(b.n(v) for v in (10, 0, 0, 5)) + ",!" + b.n(3)
    body = "bel.7;" + ";".join([ixn, *attrs, ajax, nav])
    out = by_location(decode_record(record(body.encode(), content_type="text/plain")))
    node = "body.bel:[0].BrowserInteraction"
    assert out[f"{node}.trigger"] == ["popstate"]
    assert out[f"{node}.oldURL"] == ["https://shop.example/"]  # a reference into the table
    assert out[f"{node}.newURL"] == ["https://shop.example/orders/991"]
    assert out[f"{node}.newRoute"] == ["/orders/:id"]
    assert out[f"{node}.timing.duration"] == ["900"]
    assert out[f"{node}.timing.firstContentfulPaint"] == ["52"]
    assert out[f'{node}.attributes["enduser.id"]'] == ["member-77120"]
    child = f"{node}.children[0].AjaxRequest"
    assert out[f"{child}.method"] == ["POST"]
    assert out[f"{child}.status"] == ["201"]
    assert out[f"{child}.path"] == ["/v1/orders"]
    assert out[f"{child}.timing.duration"] == ["45"]
    timing = "body.bel:[1].NavTiming"
    assert out[f"{timing}.unloadEventStart"] == ["10"]
    assert out[f"{timing}.redirectEnd"] == ["15"]  # values are relative to the one before
    assert out[f"{timing}.domainLookupStart"] == ["18"]  # after the null (fetchStart)


def test_bel_fields_reach_the_generic_rules() -> None:
    dets = detect_request(
        "https://rum.example-collector.net/events/1/KEY",
        Bel().timings([("fcp", 812, ATTRS)]),
        content_type="text/plain",
    )
    assert "network" in found_at(dets, "attributes.net-etype")
    assert "network" in found_at(dets, "attributes.net-dlink")
    assert "user_id" in found_at(dets, 'attributes["enduser.id"]')
    assert "diagnostics" in found_at(dets, "timing.fcp")
    assert "app_activity" not in {d.category for d in dets}  # a timing record is not an event


def test_text_that_only_starts_like_bel_stays_text() -> None:
    for body in (b"bel.x;e,'a", b"belated thanks; see you", b"bel.6"):
        decoded = decode_record(record(body, content_type="text/plain"))
        assert not [leaf for leaf in decoded.leaves if "bel" in leaf.decoding]


# --- OpenReplay tracker batches (`@openreplay/tracker` app/messages.gen, worker MessageEncoder) ---


def _uint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _sint(n: int) -> bytes:  # zig-zag, as the encoder's `int`
    return _uint(2 * n if n >= 0 else -2 * n - 1)


def _string(s: str) -> bytes:
    b = s.encode()
    return _uint(len(b)) + b


def _msg(t: int, *fields: object) -> bytes:
    """`writeMessageWithSize`: type varint, 3-byte little-endian size, fields (int → uint varint,
    bool → one byte, str → length and UTF-8; `("i", n)` → zig-zag int)."""
    body = b""
    for v in fields:
        if isinstance(v, bool):
            body += bytes([v])
        elif isinstance(v, int):
            body += _uint(v)
        elif isinstance(v, tuple):
            body += _sint(v[1])
        else:
            body += _string(str(v))
    return _uint(t) + len(body).to_bytes(3, "little") + body


def _batch(*messages: bytes, ts: int = 1_780_000_000_123) -> bytes:
    """`BatchWriter.writeHeader`: type 81 BatchMetadata (version, pageNo, firstIndex, timestamp,
    location) written without a size, then the messages."""
    head = _uint(81) + _uint(2) + _uint(0) + _uint(0) + _sint(ts) + _string("https://jobs.example/")
    return head + b"".join(messages)


OCTET = "application/octet-stream"

BATCH = _batch(
    _msg(0, 1_780_000_000_200),  # Timestamp
    _msg(28, "member-77120"),  # UserID
    _msg(30, "city", "Leipzig"),  # Metadata
    _msg(122, "https://jobs.example/offers/12", "https://jobs.example/", 5, "Offer 12"),  # SetPageLocation
    _msg(8, 5, 1, 0, "TEXTAREA", False),  # CreateElementNode
    _msg(12, 5, "placeholder", "Your message"),  # SetNodeAttribute
    _msg(18, 5, "I would like to apply for the position", ("i", 0)),  # SetInputValue
    _msg(9, 6, 1, 1),  # CreateTextNode
    _msg(14, 6, "Welcome back, Kim"),  # SetNodeData
    _msg(22, "error", "TypeError: offer is undefined"),  # ConsoleLog
    _msg(27, "application_sent", '{"offer":12}'),  # CustomEvent
    _msg(34, 1, "href"),  # StringDictGlobal
    _msg(34, 2, "https://jobs.example/profile"),
    _msg(35, 7, 1, 2),  # SetNodeAttributeDictGlobal: resolved through the dictionary
    _msg(68, 7, 120, "My profile", "a.nav", 10, 20),  # MouseClick
)


def test_openreplay_batch_messages_become_named_fields() -> None:
    decoded = decode_record(record(BATCH))
    out = by_location(decoded)
    head = "body.openreplay:"
    assert out[f"{head}[0].BatchMetadata.location"] == ["https://jobs.example/"]
    assert out[f"{head}[1].Timestamp"] == ["1780000000200"]  # a one-field message is its value
    assert out[f"{head}[2].UserID"] == ["member-77120"]
    assert out[f"{head}[3].Metadata.city"] == ["Leipzig"]
    assert out[f"{head}[4].SetPageLocation.url"] == ["https://jobs.example/offers/12"]
    assert out[f"{head}[4].SetPageLocation.documentTitle"] == ["Offer 12"]
    assert out[f"{head}[5].CreateElementNode.tag"] == ["TEXTAREA"]
    assert out[f"{head}[6].SetNodeAttribute.placeholder"] == ["Your message"]
    assert out[f"{head}[7].SetInputValue.value"] == ["I would like to apply for the position"]
    assert out[f"{head}[9].SetNodeData.data"] == ["Welcome back, Kim"]
    assert out[f"{head}[10].ConsoleLog.value"] == ["TypeError: offer is undefined"]
    assert out[f"{head}[11].CustomEvent.name"] == ["application_sent"]
    assert out[f"{head}[11].CustomEvent.payload>json:offer"] == ["12"]
    assert out[f"{head}[14].SetNodeAttributeDictGlobal.href"] == ["https://jobs.example/profile"]
    assert out[f"{head}[15].MouseClick.label"] == ["My profile"]
    assert not [loc for loc in out if loc.endswith((".id", ".parentID", ".index"))]
    assert {leaf.decoding[0] for leaf in decoded.leaves if str(leaf.location).startswith(head)} == {
        "openreplay"
    }


def test_openreplay_fields_reach_the_generic_rules() -> None:
    dets = detect_request("https://replay.example-sessions.io/ingest/v1/web/i", BATCH, content_type=OCTET)
    assert "user_id" in found_at(dets, "[2].UserID")
    assert "location_coarse" in found_at(dets, "Metadata.city")
    assert "user_content" in found_at(dets, "SetInputValue.value")
    assert "app_activity" in found_at(dets, "CustomEvent.name")
    assert "app_activity" in found_at(dets, "body.openreplay")  # the screen: one finding per batch
    assert "diagnostics" in found_at(dets, "body.openreplay")  # the console
    assert "user_content" not in found_at(dets, "SetNodeData.data")  # shown, not typed


def test_masked_input_is_not_user_content() -> None:
    batch = _batch(_msg(18, 3, "********", ("i", 1)), _msg(18, 4, "4", ("i", 0)))
    dets = detect_request("https://replay.example-sessions.io/ingest/v1/web/i", batch, content_type=OCTET)
    assert "user_content" not in {d.category for d in dets}


def test_bytes_that_only_start_like_a_batch_are_not_one() -> None:
    for body in (BATCH[:-3], BATCH + b"\x00", b"Q\x02" + bytes(range(200)), b"Q\x02\x00\x00"):
        decoded = decode_record(record(body))
        assert not [leaf for leaf in decoded.leaves if "openreplay" in leaf.decoding]


# --- rrweb events (rrweb-io/rrweb packages/types: EventType, IncrementalSource, serialized nodes) ---


def _text(text: str, node_id: int) -> dict:
    return {"type": 3, "textContent": text, "id": node_id}


def _element(tag: str, node_id: int, attributes: dict | None = None, children: list | None = None) -> dict:
    return {
        "type": 2,
        "tagName": tag,
        "attributes": attributes or {},
        "childNodes": children or [],
        "id": node_id,
    }


RRWEB_EVENTS = [
    {
        "type": 4,
        "data": {"href": "https://shop.example/orders/991", "width": 412, "height": 915},
        "timestamp": 1,
    },
    {
        "type": 2,
        "data": {
            "node": {
                "type": 0,
                "id": 1,
                "childNodes": [
                    _element(
                        "html",
                        2,
                        children=[
                            _element("style", 3, children=[{**_text("p{color:red}", 4), "isStyle": True}]),
                            _element("h1", 5, children=[_text("Your order 991 has shipped", 6)]),
                            _element("textarea", 7, {"placeholder": "Message to the seller", "style": "x"}),
                        ],
                    )
                ],
            },
            "initialOffset": {"top": 0, "left": 0},
        },
        "timestamp": 2,
    },
    {
        "type": 3,
        "data": {"source": 5, "text": "Please leave it with my neighbour", "isChecked": False, "id": 7},
        "timestamp": 3,
    },
    {"type": 3, "data": {"source": 5, "text": "*****", "isChecked": False, "id": 8}, "timestamp": 4},
    {"type": 3, "data": {"source": 2, "type": 2, "id": 5, "x": 10, "y": 20}, "timestamp": 5},
    {
        "type": 3,
        "data": {
            "source": 0,
            "texts": [{"id": 6, "value": "Delivered"}],
            "attributes": [{"id": 7, "attributes": {"placeholder": "Thanks!"}}],
            "removes": [{"parentId": 2, "id": 9}],
            "adds": [
                {
                    "parentId": 2,
                    "nextId": None,
                    "node": _element("p", 10, children=[_text("Rate your order", 11)]),
                }
            ],
        },
        "timestamp": 6,
    },
    {
        "type": 6,
        "data": {
            "plugin": "rrweb/console@1",
            "payload": {"level": "error", "trace": [], "payload": ['"boom"']},
        },
        "timestamp": 7,
    },
    {"type": 5, "data": {"tag": "checkout-step", "payload": {"step": "address"}}, "timestamp": 8},
]


def test_rrweb_events_are_named_by_their_kind() -> None:
    body = {"recording": {"events": RRWEB_EVENTS}}
    decoded = decode_record(record(json.dumps(body).encode(), content_type="application/json"))
    out = by_location(decoded)
    at = "body.json:recording.events"
    assert out[f"{at}[0]>rrweb:Meta.href"] == ["https://shop.example/orders/991"]
    assert out[f"{at}[1]>rrweb:FullSnapshot.nodes[3].textContent"] == ["Your order 991 has shipped"]
    assert out[f"{at}[1]>rrweb:FullSnapshot.nodes[4].attributes.placeholder"] == ["Message to the seller"]
    assert not [v for vs in out.values() for v in vs if "color:red" in v]  # style text left out
    assert not [loc for loc in out if loc.endswith((".style", ".id"))]
    assert out[f"{at}[2]>rrweb:Input.text"] == ["Please leave it with my neighbour"]
    assert out[f"{at}[4]>rrweb:MouseInteraction.type"] == ["Click"]
    assert out[f"{at}[5]>rrweb:Mutation.texts[0]"] == ["Delivered"]
    assert out[f"{at}[5]>rrweb:Mutation.nodes[1].textContent"] == ["Rate your order"]
    assert out[f"{at}[5]>rrweb:Mutation.attributes[0].placeholder"] == ["Thanks!"]
    assert out[f"{at}[6]>rrweb:Plugin.console.level"] == ["error"]
    assert out[f"{at}[7]>rrweb:Custom.checkout-step.step"] == ["address"]  # named by its tag
    rr = [leaf for leaf in decoded.leaves if "rrweb" in leaf.location.steps]
    assert rr and all(leaf.decoding[:2] == ("json", "rrweb") for leaf in rr)


def test_rrweb_events_reach_the_session_replay_rule() -> None:
    dets = detect_request("https://eu.example-analytics.com/s/", {"batch": RRWEB_EVENTS})
    assert found_at(dets, "[2]>rrweb:Input.text") == {"user_content"}
    assert "user_content" not in found_at(dets, "[3]>rrweb:Input.text")  # masked
    assert "app_activity" in found_at(dets, "batch[1]>rrweb")  # the screen, one finding per event
    assert "app_activity" in found_at(dets, "batch[5]>rrweb")
    assert "diagnostics" in found_at(dets, "batch[6]>rrweb")  # the console plugin


def test_objects_shaped_almost_like_rrweb_events_stay_json() -> None:
    body = [
        {"type": 3, "data": {"kind": "x"}, "timestamp": 1},  # no source
        {"type": 2, "data": {"items": []}, "timestamp": 1},  # no node
        {"type": 9, "data": {"source": 5}, "timestamp": 1},  # no such event type
        {"type": "3", "data": {"source": 5}, "timestamp": 1},
    ]
    decoded = decode_record(record(json.dumps(body).encode(), content_type="application/json"))
    assert not [leaf for leaf in decoded.leaves if "rrweb" in leaf.decoding]


# --- New Relic session-trace nodes (browser agent features/session_trace/aggregate/trace/node.js) --


def test_session_trace_nodes_read_with_their_field_names() -> None:
    def node(name: str, start: int, end: int, origin: str, kind: str) -> dict:  # `TraceNode`
        return {"n": name, "s": start, "e": end, "o": origin, "t": kind}

    body = [
        node("fetch", 120, 260, "https://api.shop.example:443/v1/cart", "resource"),
        node("click", 300, 301, "button#checkout", "event"),
    ]
    decoded = decode_record(record(json.dumps(body).encode(), content_type="text/plain"))
    out = by_location(decoded)
    assert out["body.json:[0]>nrtrace:name"] == ["fetch"]
    assert out["body.json:[0]>nrtrace:timing.start"] == ["120"]
    assert out["body.json:[0]>nrtrace:timing.end"] == ["260"]
    assert out["body.json:[1]>nrtrace:origin"] == ["button#checkout"]
    assert out["body.json:[1]>nrtrace:nodeType"] == ["event"]
    dets = detect_request("https://rum.example-collector.net/browser/blobs", body)
    assert "diagnostics" in found_at(dets, "timing.start")
    near = [{"n": "x", "s": 1, "e": 2, "o": "y"}, {"n": "x", "s": 1, "e": 2, "o": "y", "t": "z", "u": 1}]
    decoded = decode_record(record(json.dumps(near).encode(), content_type="application/json"))
    assert not [leaf for leaf in decoded.leaves if "nrtrace" in leaf.decoding]


def test_a_replay_message_type_says_what_a_generic_container_name_means() -> None:
    batch = _batch(_msg(49, ("i", 58), ("i", 120), 1_000_000, 500_000))  # PerformanceTrack(frames, …)
    dets = detect_request("https://replay.example-sessions.io/ingest/v1/web/i", batch, content_type=OCTET)
    (det,) = [d for d in dets if d.category == "diagnostics"]
    assert det.rule == "key:replay_devtools"  # not `frames` read as stack frames
    assert det.location == "body.openreplay"


def _mobile_msg(t: int, *fields: object, ts: int = 1_780_000_000_500) -> bytes:
    """The mobile trackers' encoding (openreplay tracker-ios `ORMessage.contentData`): type, timestamp,
    then the body as a length-prefixed blob of fields (str → length and UTF-8, int → varint, bool → 0/1)."""
    body = b""
    for v in fields:
        if isinstance(v, bool):
            body += bytes([v])
        elif isinstance(v, int):
            body += _uint(v)
        else:
            body += _string(str(v))
    return _uint(t) + _uint(ts) + _uint(len(body)) + body


MOBILE_BATCH = b"".join(
    [
        _mobile_msg(107, 40),  # MobileBatchMeta(firstIndex)
        _mobile_msg(94, "member-77120"),  # MobileUserID
        _mobile_msg(92, "city", "Leipzig"),  # MobileMetadata
        _mobile_msg(98, "OrderScreen", "SendButton", True),  # MobileViewComponentEvent
        _mobile_msg(101, "Please ring twice", False, "Delivery note"),  # MobileInputEvent
        _mobile_msg(103, "error", "Payment sheet failed to load"),  # MobileLog
    ]
)


def test_openreplay_mobile_batch() -> None:
    out = by_location(decode_record(record(MOBILE_BATCH, content_type=OCTET)))
    head = "body.openreplay:"
    assert out[f"{head}[0].MobileBatchMeta"] == ["40"]
    assert out[f"{head}[1].MobileUserID"] == ["member-77120"]
    assert out[f"{head}[2].MobileMetadata.city"] == ["Leipzig"]
    assert out[f"{head}[3].MobileViewComponentEvent.screenName"] == ["OrderScreen"]
    assert out[f"{head}[4].MobileInputEvent.value"] == ["Please ring twice"]
    dets = detect_request(
        "https://replay.example-sessions.io/ingest/v1/mobile/i", MOBILE_BATCH, content_type=OCTET
    )
    assert "user_id" in found_at(dets, "[1].MobileUserID")
    assert "location_coarse" in found_at(dets, "MobileMetadata.city")
    assert "user_content" in found_at(dets, "MobileInputEvent.value")
    assert "user_content" not in found_at(dets, "MobileInputEvent.label")  # the field's label
    assert "app_activity" in found_at(dets, "MobileViewComponentEvent.screenName")
    assert "diagnostics" in found_at(dets, "body.openreplay")  # the log
    for body in (MOBILE_BATCH[:-2], b"kitten pictures are nice", _mobile_msg(94, "x") + MOBILE_BATCH):
        decoded = decode_record(record(body, content_type=OCTET))
        assert not [leaf for leaf in decoded.leaves if "openreplay" in leaf.decoding]


def test_a_replay_performance_span_is_diagnostics() -> None:
    span = {"op": "memory", "data": {"memory": {"usedJSHeapSize": 3_850_098}}, "startTimestamp": 1.5}
    events = [{"type": 5, "data": {"tag": "performanceSpan", "payload": span}, "timestamp": 9}]
    dets = detect_request("https://errors.example-monitor.io/api/3/envelope/", {"recording": events})
    assert "diagnostics" in found_at(dets, "recording[0]>rrweb")


def test_replay_findings_name_the_message_types_in_their_evidence() -> None:
    dets = detect_request("https://replay.example-sessions.io/ingest/v1/web/i", BATCH, content_type=OCTET)
    (screen,) = [d for d in dets if d.category == "app_activity" and d.location == "body.openreplay"]
    assert "SetNodeData" in screen.evidence and "session replay" in screen.evidence
    (console,) = [d for d in dets if d.category == "diagnostics" and d.location == "body.openreplay"]
    assert "ConsoleLog" in console.evidence


def test_rrweb_events_of_mobile_sdks_carry_wireframes() -> None:
    """PostHog's Android/iOS session replay: rrweb events whose screens are `RRWireframe` trees."""
    screen = {
        "id": 1, "x": 0, "y": 0, "width": 412, "height": 915, "type": "div",
        "childWireframes": [
            {"id": 2, "x": 8, "y": 40, "width": 300, "height": 30, "type": "text", "text": "Hi Kim, 2 new offers"},
            {"id": 3, "x": 8, "y": 90, "width": 300, "height": 30, "type": "input", "inputType": "text",
             "value": "forklift licence", "style": {"color": "#000"}},
            {"id": 4, "x": 8, "y": 140, "width": 50, "height": 50, "type": "image", "base64": "iVBORw0KGgo="},
        ],
    }  # fmt: skip
    events = [
        {"type": 2, "data": {"wireframes": [screen], "initialOffset": {"top": 0, "left": 0}}, "timestamp": 1},
        {"type": 3, "data": {"source": 0, "updates": [{"parentId": 1, "wireframe": {**screen["childWireframes"][0], "text": "Saved"}}]}, "timestamp": 2},
    ]  # fmt: skip
    out = by_location(decode_record(record(json.dumps(events).encode(), content_type="application/json")))
    assert out["body.json:[0]>rrweb:FullSnapshot.nodes[0].text"] == ["Hi Kim, 2 new offers"]
    assert out["body.json:[0]>rrweb:FullSnapshot.nodes[1].value"] == ["forklift licence"]
    assert out["body.json:[1]>rrweb:Mutation.nodes[0].text"] == ["Saved"]
    assert not [loc for loc in out if loc.endswith((".base64", ".x", ".width", ".color"))]
    dets = detect_request("https://eu.example-analytics.com/s/", {"batch": events})
    assert "app_activity" in found_at(dets, "batch[0]>rrweb")
