"""`--ip-db FILE.mmdb`, shared by the commands that say where the data goes."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from phonehome.analysis.ipdb import IpCountries


def add_ip_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ip-db",
        type=Path,
        metavar="FILE.mmdb",
        help="an offline IP-to-country database you downloaded yourself (MaxMind DB format, e.g. GeoLite2 "
        "Country or DB-IP Lite): gives each server address its country. phonehome ships none and never "
        "looks an address up on the network.",
    )


def open_ip_db(path: Path | None) -> Any:
    """The opened database (`analysis.ipdb.IpCountries`), None without `--ip-db`; a missing or
    unreadable file raises ValueError naming it."""
    if path is None:
        return None

    if not path.is_file():
        raise ValueError(f"--ip-db {path}: no such file")
    return IpCountries.open(path)
