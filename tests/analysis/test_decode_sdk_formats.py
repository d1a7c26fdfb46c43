"""Compact vendor wire formats (docs/decode.md): New Relic's bel serialisation.

Bodies are built by small encoders written from each format's published serializer (cited at
each encoder), not copied from recorded traffic; the tests check the decoded leaves and what the
generic detection rules make of them.
"""

from __future__ import annotations

from decode_support import by_location, record
from detect_support import detect_request, found_at

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
    assert all(leaf.decoding == ("bel",) for leaf in decoded.leaves if leaf.location.startswith("body.bel"))


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
