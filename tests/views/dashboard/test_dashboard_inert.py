"""The sanitiser that makes network-controlled strings inert before a terminal shows them."""

from __future__ import annotations

import unicodedata

import pytest
from rich.console import Console
from rich.text import Text

from phonehome.views.inert import ELLIPSIS, ESCAPE_STYLE, inert, inert_long, inert_text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        pytest.param("plain.example.com", "plain.example.com", id="plain"),
        pytest.param("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07", id="osc-title"),
        pytest.param("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H", id="csi-clear-home"),
        pytest.param("\x1bP+q\x1b\\", "\\x1bP+q\\x1b\\", id="dcs"),
        pytest.param("\x9b31m\x9d0;t\x9c", "\\x9b31m\\x9d0;t\\x9c", id="c1-csi-osc-st"),
        pytest.param("a\nb\rc\td\x00e\x7f", "a\\nb\\rc\\td\\x00e\\x7f", id="c0-and-del"),
        pytest.param("\u202egnp.exe\u202c", "\\u202egnp.exe\\u202c", id="bidi-override"),
        pytest.param(
            "\u2066x\u2069\u200e\u200f\u061c",
            "\\u2066x\\u2069\\u200e\\u200f\\u061c",
            id="bidi-isolates-marks",
        ),
        pytest.param(
            "a\u200bb\u200cc\u200dd\u2060e\ufeff", "a\\u200bb\\u200cc\\u200dd\\u2060e\\ufeff", id="zero-width"
        ),
        pytest.param("x\u2028y\u2029z", "x\\u2028y\\u2029z", id="line-separators"),
        pytest.param("\U000e0041tag", "\\U000e0041tag", id="tag-char"),
        pytest.param("\udc80bytes", "\\udc80bytes", id="lone-surrogate"),
        pytest.param(
            "[bold]x[/] [@click=app.quit]y[/]", "[bold]x[/] [@click=app.quit]y[/]", id="markup-literal"
        ),
        pytest.param("Zürich 東京 🙂", "Zürich 東京 🙂", id="ordinary-unicode-kept"),
        pytest.param(None, "", id="none"),
        pytest.param(42, "42", id="number"),
    ],
)
def test_inert_escapes(raw: object, shown: str) -> None:
    assert inert(raw) == shown


def test_combining_marks_are_capped() -> None:
    out = inert("e" + "\u0301" * 10)
    assert out.startswith("e" + "\u0301" * 3 + "\\u0301")
    assert out.count("\\u0301") == 7


def test_truncation_with_ellipsis_never_splits_an_escape() -> None:
    assert inert("x" * 100, 10) == "x" * 9 + ELLIPSIS
    assert inert("abcdefgh\x1b[0m", 10) == "abcdefgh" + ELLIPSIS
    assert len(inert("y" * 5_000_000, 40)) == 40
    assert inert("short", 10) == "short"
    assert inert("exactly10!", 10) == "exactly10!"


def test_escapes_are_styled_so_they_differ_from_literal_backslashes() -> None:
    real = inert_text("\x1b")
    literal = inert_text("\\x1b")
    assert real.plain == literal.plain == "\\x1b"
    assert [s.style for s in real.spans] == [ESCAPE_STYLE]
    assert literal.spans == []


def test_long_view_says_how_much_was_cut() -> None:
    text = inert_long("z" * 10_000, 100)
    assert "(10,000 characters in all)" in text.plain


@pytest.mark.parametrize(
    "hostile",
    [
        "\x1b]0;title\x07\x1b[31m[red]x[/red]\x1b[0m\x9b2J\u202e\u200b",
        "".join(chr(c) for c in range(0, 0x250)),
        "".join(chr(c) for c in range(0x2000, 0x2070)) + "\ufeff\ufff9\ufffb",
    ],
)
def test_rendered_output_has_no_control_or_format_characters(hostile: str) -> None:
    console = Console(
        width=200, force_terminal=True, color_system=None, record=True, file=open("/dev/null", "w")
    )  # noqa: SIM115
    console.print(inert_text(hostile))
    out = console.export_text(styles=False)
    bad = [
        hex(ord(c)) for c in out if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp")
    ]
    assert bad == []


def test_result_is_text_not_markup() -> None:
    t = inert_text("[bold]b[/bold]")
    assert isinstance(t, Text)
    assert t.plain == "[bold]b[/bold]"
    assert t.spans == []
