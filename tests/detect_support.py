"""Moved to `tests/support/detect.py` (import `support.detect`). This name stays for tests written
before the move while other branches land; remove it once nothing imports it."""

import warnings

from support.detect import *  # noqa: F403

warnings.warn("import support.detect instead of detect_support", DeprecationWarning, stacklevel=2)
