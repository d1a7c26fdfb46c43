"""`phonehome watch`: the live terminal dashboard (Textual).

tail.py     follows a session store's JSONL files by offset (worker thread)
state.py    folds new lines into the UI-free `DashboardState` (pure; O(1) per finding);
            who gets what is `analysis.exposure`
app.py      the Textual app: layout, polling, reactive reveal / pause / filter, actions
matrix.py   the "who gets what" table        feed.py    the live feed of findings
reads.py    the device reads table           status.py  the status line
detail.py   the detail pages (Enter)         look.py    styles, times, redaction
replay.py   replays a finished session (the demo) or a saved file (`watch FILE`) into a fresh store
"""

from .app import Dashboard, run_demo_dashboard, run_file_dashboard, run_watch
from .feed import FeedTable
from .matrix import MatrixTable
from .reads import ReadsTable

__all__ = [
    "Dashboard",
    "FeedTable",
    "MatrixTable",
    "ReadsTable",
    "run_demo_dashboard",
    "run_file_dashboard",
    "run_watch",
]
