"""mitmproxy addons (run with `mitmdump -s addons/phonehome.py`)."""
