"""Sessions the report tests read (module scope: built once per test module, never changed by a
test — `test_model_never_mutates_the_findings` checks the report does not)."""

from __future__ import annotations

import pytest
from support import report as rs

from phonehome.analysis.sessions import SessionData


@pytest.fixture(scope="module")
def synthetic_session() -> SessionData:
    """`support.report.synthetic_session()`: 6 minutes, a consent marker, first and third parties."""
    return rs.synthetic_session()
