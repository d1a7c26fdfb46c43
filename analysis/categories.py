"""The data categories every part of phonehome speaks in, and how they map to store labels.

One table, so detection, the dashboard, reports and the label check agree on ids, names and
what each category means on Google Play's "Data safety" form and Apple's App Store privacy label.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    name_en: str
    name_de: str
    short: str
    """Short label for table columns: the dashboard (matrix, feed, `/` filter), the replay table."""
    definition: str
    play: tuple[str, ...]
    """Google Play Data safety data types ("Group: Type")."""
    apple: tuple[str, ...]
    """App Store privacy label data types ("Group: Type")."""


CATEGORIES: tuple[Category, ...] = (
    Category(
        "advertising_id",
        "advertising ID",
        "Werbe-ID",
        "ad ID",
        "GAID/AAID or IDFA, raw or hashed",
        ("Device or other IDs: Device or other IDs",),
        ("Identifiers: Device ID",),
    ),
    Category(
        "device_id",
        "device identifiers",
        "Gerätekennungen",
        "device ID",
        "hardware/OS identifiers: Android ID, IMEI/MEID, serial, Wi-Fi/Bluetooth MAC, IDFV, "
        "App Set ID, DRM/Widevine id",
        ("Device or other IDs: Device or other IDs",),
        ("Identifiers: Device ID",),
    ),
    Category(
        "user_id",
        "user and install IDs",
        "Nutzer- und Installations-IDs",
        "user ID",
        "account ids and persistent ids assigned by the app or an SDK "
        "(install ids, anonymous ids, push tokens)",
        ("Personal info: User IDs", "Device or other IDs: Device or other IDs"),
        ("Identifiers: User ID",),
    ),
    Category(
        "location_precise",
        "precise location",
        "genauer Standort",
        "precise loc",
        "coordinates with >= 3 decimals or GPS fixes",
        ("Location: Precise location",),
        ("Location: Precise Location",),
    ),
    Category(
        "location_coarse",
        "approximate location",
        "ungefährer Standort",
        "approx loc",
        "city, postal code, region, coordinates with <= 2 decimals",
        ("Location: Approximate location",),
        ("Location: Coarse Location",),
    ),
    Category(
        "contact_info",
        "your contact details",
        "Ihre Kontaktdaten",
        "contact",
        "the user's own e-mail, phone, name, postal address, birthday",
        (
            "Personal info: Name",
            "Personal info: Email address",
            "Personal info: Phone number",
            "Personal info: Address",
            "Personal info: Other info",
        ),
        (
            "Contact Info: Name",
            "Contact Info: Email Address",
            "Contact Info: Phone Number",
            "Contact Info: Physical Address",
            "Contact Info: Other User Contact Info",
        ),
    ),
    Category(
        "contacts",
        "contact list",
        "Adressbuch",
        "contacts",
        "other people's address-book entries",
        ("Contacts: Contacts",),
        ("Contacts: Contacts",),
    ),
    Category(
        "installed_apps",
        "installed apps",
        "installierte Apps",
        "apps",
        "lists of installed apps",
        ("App info and performance: Other app performance data", "App activity: Installed apps"),
        ("Usage Data: Other Usage Data",),
    ),
    Category(
        "network",
        "network details",
        "Netzwerkdaten",
        "network",
        "Wi-Fi SSID/BSSID, carrier, MCC/MNC, connection type, local IP",
        ("Device or other IDs: Device or other IDs", "Location: Approximate location"),
        ("Identifiers: Device ID", "Other Data: Other Data Types"),
    ),
    Category(
        "device_info",
        "device details",
        "Gerätedaten",
        "device",
        "model, manufacturer, OS version/build, screen, locale, language, timezone, battery, "
        "storage, memory, sensors, a user agent naming the model",
        ("App info and performance: Other app performance data",),
        ("Other Data: Other Data Types",),
    ),
    Category(
        "app_activity",
        "app activity",
        "App-Aktivität",
        "activity",
        "events, screens, taps, search terms, session timings, purchases",
        (
            "App activity: App interactions",
            "App activity: In-app search history",
            "App activity: Other user-generated content",
            "Financial info: Purchase history",
        ),
        ("Usage Data: Product Interaction", "Search History: Search History", "Purchases: Purchase History"),
    ),
    Category(
        "clipboard",
        "clipboard",
        "Zwischenablage",
        "clipboard",
        "clipboard contents",
        ("App activity: Other user-generated content",),
        ("User Content: Other User Content",),
    ),
    Category(
        "credentials",
        "passwords and secrets",
        "Passwörter und Geheimnisse",
        "secrets",
        "passwords anywhere, and auth tokens or secrets sent to a party other than their issuer",
        ("Personal info: Other info",),
        ("Other Data: Other Data Types",),
    ),
    Category(
        "diagnostics",
        "diagnostics",
        "Diagnosedaten",
        "diagnostics",
        "crash reports, stack traces, performance data",
        ("App info and performance: Crash logs", "App info and performance: Diagnostics"),
        ("Diagnostics: Crash Data", "Diagnostics: Performance Data", "Diagnostics: Other Diagnostic Data"),
    ),
    Category(
        "user_content",
        "your content",
        "Ihre Inhalte",
        "content",
        "messages, photos, audio, files the user made",
        (
            "Messages: Other in-app messages",
            "Photos and videos: Photos",
            "Audio files: Voice or sound recordings",
            "Files and docs: Files and docs",
        ),
        ("User Content: Other User Content", "User Content: Photos or Videos", "User Content: Audio Data"),
    ),
)

BY_ID: dict[str, Category] = {c.id: c for c in CATEGORIES}
CATEGORY_IDS: tuple[str, ...] = tuple(c.id for c in CATEGORIES)
SHORT_LABELS: dict[str, str] = {c.id: c.short for c in CATEGORIES}


def category(category_id: str) -> Category:
    """The category with this id; a `KeyError` names an unknown id."""
    try:
        return BY_ID[category_id]
    except KeyError:
        raise KeyError(f"unknown data category {category_id!r}; known: {', '.join(CATEGORY_IDS)}") from None


def display_name(category_id: str, lang: str = "en") -> str:
    c = category(category_id)
    return c.name_de if lang == "de" else c.name_en
