"""A database written by an older medtwin opens: columns added since are added."""

from __future__ import annotations

import sqlite3

from medtwin.service import store
from medtwin.service.db import make_engine, make_sessionmaker


def test_an_events_table_from_before_queued_and_cause_still_opens(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:  # the events table as medtwin 0.1 made it
        old.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, session_id INTEGER, "
                    "time_s FLOAT, 'order' TEXT, action JSON, source VARCHAR(64), note TEXT, "
                    "wall_time DATETIME)")  # fmt: skip
        old.execute(
            "INSERT INTO events (session_id, time_s, 'order', action, source) "
            "VALUES (?, ?, ?, ?, ?)",
            (1, 5.0, "stop haemorrhage", '{"kind": "stop_haemorrhage"}', "ines"),
        )
    make_db = make_sessionmaker(make_engine(f"sqlite:///{path}"))
    with make_db() as db:
        (event,) = store.events_of(db, 1)
    assert (event.time_s, event.order(), event.queued, event.cause) == (
        5.0,
        "stop haemorrhage",
        False,
        None,
    )
