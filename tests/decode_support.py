"""Moved to `tests/support/decode.py` (import `support.decode`). This name stays for tests written
before the move while other branches land; remove it once nothing imports it."""

import warnings

from support.decode import *  # noqa: F403

warnings.warn("import support.decode instead of decode_support", DeprecationWarning, stacklevel=2)
