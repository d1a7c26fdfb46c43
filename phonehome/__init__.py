"""phonehome: what a mobile app really sends off the phone, to whom, and which personal data it carries."""

__version__ = "0.1.0"
