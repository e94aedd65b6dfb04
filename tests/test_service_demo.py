"""The demo instructor: a new random password at every start, and loopback only
(issue 11: `medtwin serve` used to turn on a fixed, published password by default)."""

from __future__ import annotations

from typer.testing import CliRunner

from medtwin.cli import app
from medtwin.service import auth, store
from medtwin.service.db import make_engine, make_sessionmaker
from medtwin.service.demo import DEMO_USERNAME, ensure_demo, is_loopback


def test_every_start_gives_the_demo_instructor_a_new_random_password(tmp_path):
    make_db = make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'demo.db'}"))
    code, first = ensure_demo(make_db)
    again, second = ensure_demo(make_db)
    assert code == again and first != second and len(first) >= 16
    with make_db() as db:
        stored = store.find_user(db, DEMO_USERNAME).password_hash
    assert auth.verify_password(second, stored) and not auth.verify_password(first, stored)


def test_the_demo_is_refused_beyond_loopback():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "only offered on loopback" in result.output and "--no-demo" in result.output
