"""The demo: an instructor account and a running session to open straight away."""

from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from medtwin.service import auth, store
from medtwin.service.sessions import resolve_patient

DEMO_USERNAME = "instructor"
DEMO_PASSWORD = "demo-password"  # printed by `medtwin serve` on purpose
DEMO_TITLE = "Demo: standard male"


def ensure_demo(make_db: sessionmaker) -> str:
    """Create the demo user and session if absent; the session's join code.

    The session is only a row: the `SessionManager` starts it like any session that was
    running when the service last stopped.
    """
    with make_db() as db:
        if store.find_user(db, DEMO_USERNAME) is None:
            store.add_user(db, DEMO_USERNAME, auth.hash_password(DEMO_PASSWORD))
        row = store.find_active_session_titled(db, DEMO_TITLE)
        if row is None:
            patient = resolve_patient("standard-male")
            row = store.add_session(db, DEMO_TITLE, patient, 0, DEMO_USERNAME)
        return row.code
