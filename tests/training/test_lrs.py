"""Forwarding the store's outbox to a real LRS: Ralph (ralph-malph from PyPI).

scripts/setup installs Ralph in .venv-ralph (MEDTWIN_RALPH_PYTHON names another
Python that has it); each test starts its own Ralph with the file-system backend on a
socket bound to a free loopback port, with credentials made by `ralph auth` in a
temporary file, and stops it. Before the server starts the port is bound but not
listening, so a connection is refused: the LRS is down.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import socket
import subprocess
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medtwin.cli import app
from medtwin.training import load_case
from medtwin.training.runner import run_case
from medtwin.training.scoring import score_run
from medtwin.training.xapi.lrs import Lrs, forward
from medtwin.training.xapi.statements import Session, learner_agent, run_statements
from medtwin.training.xapi.store import StatementStore

ROOT = Path(__file__).resolve().parents[2]
RALPH_PYTHON = Path(os.environ.get("MEDTWIN_RALPH_PYTHON", ROOT / ".venv-ralph" / "bin" / "python"))
LAUNCHER = Path(__file__).with_name("ralph_lrs.py")


class Ralph:
    """One Ralph LRS on a loopback port, not started until `start`."""

    def __init__(self, folder: Path) -> None:
        if not RALPH_PYTHON.exists():
            pytest.fail(
                f"Ralph is not installed at {RALPH_PYTHON}: run scripts/setup (it makes "
                ".venv-ralph), or set MEDTWIN_RALPH_PYTHON to a Python that has ralph-malph"
            )
        self.folder = folder
        self.user, self.password = "medtwin", secrets.token_urlsafe(12)
        self.env = {
            **os.environ,
            "RALPH_APP_DIR": str(folder / "app"),
            "RALPH_AUTH_FILE": str(folder / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data"),
        }
        (folder / "data").mkdir()
        subprocess.run(
            [
                str(RALPH_PYTHON.with_name("ralph")),
                "auth",
                "-u",
                self.user,
                "-p",
                self.password,
                "-s",
                "all",
                "-M",
                "mailto:medtwin@example.org",
                "-w",
            ],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.endpoint = f"http://127.0.0.1:{self.socket.getsockname()[1]}/xAPI/"
        self.process: subprocess.Popen | None = None

    def lrs(self, password: str | None = None) -> Lrs:
        return Lrs(self.endpoint, self.user, password or self.password, timeout_s=60)

    def start(self) -> None:
        self.socket.listen(64)
        fd = self.socket.fileno()
        log = (self.folder / "ralph.log").open("wb")
        self.process = subprocess.Popen(
            [str(RALPH_PYTHON), str(LAUNCHER), str(fd)],
            pass_fds=[fd],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=60)
        self.socket.close()

    def statements(self) -> list[dict]:
        """Every statement the LRS holds, through its own statements API."""
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        found, url = [], self.endpoint + "statements?limit=500"
        while url:
            request = urllib.request.Request(
                url,
                headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"},
            )
            with urllib.request.urlopen(request, timeout=60) as response:
                page = json.loads(response.read())
            found += page["statements"]
            more = page.get("more")
            url = self.endpoint.split("/xAPI/")[0] + more if more else None
        return found


@pytest.fixture
def ralph(tmp_path):
    server = Ralph(tmp_path)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def statements():
    """Two learners' runs of a bundled case (best and worst), as statements."""
    loaded = load_case("mobitz-ii-block")
    found = []
    for learner, script in (("alice", "best"), ("bob", "worst")):
        result = run_case(loaded, loaded.case.trainees[script], script, "hints")
        session = Session(learner_agent(learner), datetime(2026, 1, 31, 9, 0, tzinfo=UTC))
        found += run_statements(loaded, result.log, score_run(loaded.case, result.log), session)
    return found


def no_sleep(waits: list[float]):
    return waits.append


def test_an_lrs_that_is_down_loses_nothing_and_gets_everything_once_up(ralph, statements, tmp_path):
    with StatementStore(f"sqlite:///{tmp_path / 'site.db'}") as store:
        store.add(statements)
        waits: list[float] = []
        down = forward(
            store, ralph.lrs(), batch_size=10, attempts=3, backoff_s=2.0, sleep=no_sleep(waits)
        )
        assert (down.delivered, down.pending) == (0, len(statements))
        assert waits == [2.0, 4.0], "three tries, the wait doubling between them"
        assert "Connection refused" in down.error
        ralph.start()
        up = forward(store, ralph.lrs(), batch_size=10, attempts=3, sleep=no_sleep(waits))
        assert (up.delivered, up.rejected, up.pending, up.error) == (len(statements), 0, 0, None)
        assert up.attempts == -(-len(statements) // 10), "one request a batch"
        held = {s["id"]: s for s in ralph.statements()}
        assert set(held) == {s["id"] for s in statements}
        for statement in statements:
            kept = held[statement["id"]]
            assert (kept["verb"], kept["object"]["id"], kept["timestamp"]) == (
                statement["verb"],
                statement["object"]["id"],
                statement["timestamp"],
            )
        assert forward(store, ralph.lrs()).attempts == 0, "nothing left to send"


def test_sending_again_stores_nothing_twice_and_a_conflict_is_set_aside(
    ralph, statements, tmp_path
):
    ralph.start()
    with StatementStore(f"sqlite:///{tmp_path / 'one.db'}") as one:
        one.add(statements)
        assert forward(one, ralph.lrs()).delivered == len(statements)
    # another site (or this one after losing the LRS's acknowledgement) sends them again,
    # with one statement changed under an id the LRS already holds
    changed = {**statements[1], "result": {"response": "changed"}}
    with StatementStore(f"sqlite:///{tmp_path / 'two.db'}") as two:
        two.add([statements[0], changed, *statements[2:]])
        report = forward(two, ralph.lrs(), batch_size=len(statements))
        assert (report.delivered, report.rejected, report.pending) == (len(statements) - 1, 1, 0)
        [(statement_id, reason)] = two.rejected(ralph.lrs().key)
        assert statement_id == changed["id"] and reason.startswith("409")
    assert len(ralph.statements()) == len(statements), "no statement is stored twice"


def test_wrong_credentials_stop_forwarding_and_keep_the_queue(ralph, statements, tmp_path):
    ralph.start()
    with StatementStore(f"sqlite:///{tmp_path / 'site.db'}") as store:
        store.add(statements)
        waits: list[float] = []
        report = forward(store, ralph.lrs(password="wrong"), sleep=no_sleep(waits))
        assert (report.delivered, report.pending, waits) == (0, len(statements), [])
        assert "401" in report.error


def test_xapi_send_exits_1_while_the_lrs_is_down_and_0_once_it_has_everything(
    ralph, statements, tmp_path
):
    url = f"sqlite:///{tmp_path / 'site.db'}"
    source = tmp_path / "statements.jsonl"
    source.write_text("".join(json.dumps(s) + "\n" for s in statements), encoding="utf-8")
    auth = tmp_path / "lrs-auth"
    auth.write_text(f"{ralph.user}:{ralph.password}\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["xapi", "import", str(source), "--store", url]).exit_code == 0
    send = [
        "xapi",
        "send",
        "--store",
        url,
        "--lrs",
        ralph.endpoint,
        "--lrs-auth-file",
        str(auth),
        "--attempts",
        "1",
    ]
    down = runner.invoke(app, send, env={"COLUMNS": "200"})
    assert down.exit_code == 1 and f"0 delivered, 0 refused, {len(statements)} still queued" in (
        down.output
    )
    ralph.start()
    up = runner.invoke(app, send, env={"COLUMNS": "200"})
    assert up.exit_code == 0 and f"{len(statements)} delivered, 0 refused, 0 still queued" in (
        up.output
    )
    status = runner.invoke(app, ["xapi", "status", "--store", url], env={"COLUMNS": "200"})
    assert f"{ralph.endpoint}: 0 queued, 0 refused" in status.output
