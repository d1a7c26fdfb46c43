"""`phonehome orgs`: what phonehome knows about the hosts an app talks to.

    phonehome orgs graph.facebook.com log16-normal-c-useast1a.tiktokv.com api.example.com \\
        --app com.example.shop --list ~/Downloads/services.json
    phonehome orgs --sources

For each host: registrable domain, organisation, legal name, parent, country, purpose,
first/third party, whether it is a tracker, where the fact came from and the pattern that matched.
Host names are printed as plain text (never as rich markup).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from phonehome.analysis.destinations import Destination, Destinations
from phonehome.views.inert import inert, inert_text


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "orgs",
        help="show who receives data sent to a host (organisation, purpose, party, country)",
        description="Look hosts up in phonehome's organisation database (and optional lists you "
        "downloaded yourself). Nothing is fetched from the network.",
    )
    parser.add_argument("hosts", nargs="*", metavar="HOST", help="host names or IP addresses")
    parser.add_argument(
        "--first-party",
        action="append",
        default=[],
        metavar="DOMAIN",
        help="a domain of the app's publisher (repeatable); hosts under it are first party",
    )
    parser.add_argument(
        "--app",
        metavar="PACKAGE",
        help="the app's package name / bundle id (com.example.shop → example.com is first party)",
    )
    parser.add_argument(
        "--list",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        dest="lists",
        help="a DuckDuckGo Tracker Radar file or directory, Disconnect services.json or "
        "Ghostery TrackerDB JSON you downloaded (repeatable); fills gaps only",
    )
    parser.add_argument(
        "--sources",
        action="store_true",
        help="print the database's source, licence and size (and of each --list)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object per host instead of tables"
    )
    parser.set_defaults(func=run)


def _field_rows(d: Destination) -> list[tuple[str, str]]:
    country = f"{d.country} ({d.country_name})" if d.country else "—"
    parent_country = f"{d.parent_country} ({d.parent_country_name})" if d.parent_country else "—"
    dpf = f"{d.dpf} (checked {d.dpf_checked})" if d.dpf_checked else "—"
    return [
        ("domain", d.domain or "—"),
        ("organisation", d.org),
        ("legal name", d.legal_name or "—"),
        ("parent", d.parent or "—"),
        ("country", country),
        ("parent country", parent_country),
        ("EU-US DPF", dpf),
        ("purpose", d.purpose),
        ("party", d.party),
        ("tracker", "yes" if d.tracker else "no"),
        ("product", d.product or "—"),
        ("note", d.note or "—"),
        ("source", d.source),
        ("pattern", d.pattern or "—"),
    ]


def render_destination(d: Destination) -> Table:
    """One host as a two-column table. Every cell is an inert `Text`: markup in a host name stays
    literal and control/bidi characters are shown escaped (host names come off the network)."""
    table = Table(title=inert_text(d.host), title_justify="left", show_header=False, expand=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    for name, value in _field_rows(d):
        table.add_row(Text(name), inert_text(value))
    return table


def render_sources(destinations: Destinations) -> Table:
    """The database's (and each user list's) source, licence and size, one row per fact."""
    db = destinations.db
    meta = db.meta
    table = Table(title=Text("Organisation data"), title_justify="left", show_header=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    rows = [
        ("database", f"{meta.get('name', 'phonehome-orgs')} {meta.get('version', '')}".strip()),
        ("source", str(meta.get("source", ""))),
        ("licence", str(meta.get("licence", ""))),
        ("entries", str(len(db.entries))),
        ("host patterns", str(db.pattern_count)),
        ("organisations", str(len(db.org_names))),
        ("SDK prefixes", str(len(db.sdk))),
    ]
    for derived in db.derived:
        rows += [
            ("derived entries", f"{derived.get('name', '')} {derived.get('version', '')}".strip()),
            ("  licence", str(derived.get("licence", ""))),
            ("  attribution", str(derived.get("attribution", ""))),
        ]
    for user_list in destinations.user_lists:
        rows += [
            ("user list", f"{user_list.path} ({user_list.label})"),
            ("  licence", user_list.licence),
            ("  entries", str(len(user_list.entries))),
        ]
    for name, value in rows:
        table.add_row(Text(name), inert_text(value))
    return table


def run(args: argparse.Namespace, *, console: Console | None = None) -> int:
    hosts: Sequence[str] = args.hosts
    if not hosts and not args.sources:
        print("phonehome orgs: give one or more HOSTs, or --sources", file=sys.stderr)
        return 2
    try:
        destinations = Destinations(first_party=args.first_party, app=args.app, extra_lists=args.lists)
    except ValueError as e:
        print(f"phonehome orgs: {inert(e)}", file=sys.stderr)
        return 2
    if args.json:
        if args.sources:
            db = destinations.db
            print(
                json.dumps(
                    {
                        "source": db.meta,
                        "derived": list(db.derived),
                        "entries": len(db.entries),
                        "host_patterns": db.pattern_count,
                        "organisations": len(db.org_names),
                        "user_lists": [
                            {
                                "path": str(u.path),
                                "format": u.format,
                                "licence": u.licence,
                                "entries": len(u.entries),
                            }
                            for u in destinations.user_lists
                        ],
                    }
                )
            )
        for host in hosts:
            d = destinations.lookup(host)
            print(
                json.dumps(
                    {
                        **{f: getattr(d, f) for f in d.__dataclass_fields__},
                        "country_name": d.country_name,
                        "parent_country_name": d.parent_country_name,
                    }
                )
            )
        return 0
    out = console or Console(highlight=False, emoji=False, markup=False)
    if args.sources:
        out.print(render_sources(destinations))
    for host in hosts:
        out.print(render_destination(destinations.lookup(host)))
    return 0
