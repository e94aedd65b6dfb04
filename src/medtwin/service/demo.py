"""The demo: an instructor account and a running session to open straight away.

The demo instructor's password is new and random at every start of the server (printed
by `medtwin serve`, never a published default), and the demo is refused on any address
but loopback: a demo account is a shared secret, fit for one machine only.
"""

from __future__ import annotations

import ipaddress
import secrets

from sqlalchemy.orm import sessionmaker

from medtwin.service import auth, store
from medtwin.service.sessions import resolve_patient

DEMO_USERNAME = "instructor"
DEMO_TITLE = "Demo: standard male"
LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """Whether `host` is a loopback address (127.0.0.0/8, ::1) or 'localhost'."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def ensure_demo(make_db: sessionmaker) -> tuple[str, str]:
    """Create the demo session if absent and give the demo user a new random password;
    `(join code, password)`.

    The session is only a row: the `SessionManager` starts it like any session that was
    running when the service last stopped.
    """
    password = secrets.token_urlsafe(12)
    with make_db() as db:
        user = store.find_user(db, DEMO_USERNAME)
        if user is None:
            store.add_user(db, DEMO_USERNAME, auth.hash_password(password))
        else:
            store.set_password(db, user, auth.hash_password(password))
        row = store.find_active_session_titled(db, DEMO_TITLE)
        if row is None:
            patient = resolve_patient("standard-male")
            row = store.add_session(db, DEMO_TITLE, patient, 0, DEMO_USERNAME)
        return row.code, password
