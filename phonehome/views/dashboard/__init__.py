"""`phonehome watch`: the live terminal dashboard (Textual).

    tail.py    follows a session store's JSONL files by offset (worker thread)
    state.py   folds new lines into the UI-free `DashboardState` (pure; O(1) per finding)
    app.py     the Textual app: tables, detail pages, key bindings
    replay.py  replays a finished session into a fresh store for the demo
"""

from .app import Dashboard, FeedTable, run_demo_dashboard, run_watch

__all__ = ["Dashboard", "FeedTable", "run_demo_dashboard", "run_watch"]
