"""`medtwin xapi ...`: keep statements in a local store and forward them to an LRS.

`medtwin case run --xapi FILE --store URL` writes a run's statements; `xapi import`
stores statements from a file (validating each), `xapi send` forwards a store's outbox
to an LRS (exit 0 when the LRS has everything, 1 when statements are still queued or
were refused), `xapi status` counts what each LRS still lacks. A user's error is one
line and exit code 2 (medtwin.terminal).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from medtwin.terminal import fail
from medtwin.training.commands import read_user_file
from medtwin.training.errors import CaseError
from medtwin.training.xapi.statements import (
    Session,
    learner_agent,
    parse_started_at,
    run_statements,
    to_json_lines,
)
from medtwin.training.xapi.store import (
    DEFAULT_STORE_URL,
    StatementStore,
    StoreConflictError,
    StoreError,
)
from medtwin.training.xapi.validation import StatementError

xapi_app = typer.Typer(
    help="Learning records: a local xAPI store, forwarded to an LRS.", no_args_is_help=True
)
console = Console()
AUTH_ENV = "MEDTWIN_LRS_AUTH"
StoreOption = Annotated[str, typer.Option(help="The statements store (a SQLAlchemy URL).")]


def session_for(learner: str, started_at: str | None) -> Session:
    """The session of a run by `learner` (a name or mailto:), started then (or now)."""
    if not learner.strip():
        raise fail("--learner '' is empty: give a name or mailto:someone@site")
    agent = learner_agent(learner)
    if learner.startswith("mailto:") and "@" not in learner:
        raise fail(f"--learner {learner!r} is not a mailto: address (mailto:someone@site)")
    if started_at is None:
        return Session(agent, datetime.now(UTC).replace(microsecond=0))
    try:
        return Session(agent, parse_started_at(started_at))
    except ValueError as error:
        raise fail(f"--started-at {error}") from None


def learning_records(
    loaded, log, score, session: Session, xapi: Path | None, store: str | None
) -> None:
    """Write a run's statements to `xapi` and keep them in `store`."""
    statements = run_statements(loaded, log, score, session)
    if xapi:
        xapi.write_text(to_json_lines(statements), encoding="utf-8")
        console.print(f"wrote {len(statements)} xAPI statements to {xapi}")
    if store:
        added = _store_statements(store, statements)
        console.print(f"stored {added} statements in {escape(store)}")


def _store_statements(url: str, statements: list[dict]) -> int:
    try:
        with StatementStore(url) as store:
            return store.add(statements).stored
    except (StoreError, StoreConflictError, StatementError) as error:
        raise fail(str(error)) from None


def open_store(url: str) -> StatementStore:
    try:
        return StatementStore(url)
    except StoreError as error:
        raise fail(str(error)) from None


@xapi_app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(help="Statements, one JSON object a line.")],
    store: StoreOption = DEFAULT_STORE_URL,
) -> None:
    """Validate statements and keep them in the store (a statement already there is skipped)."""
    from medtwin.training.xapi.reading import read_statements

    batches = []
    for path in files:
        text = read_user_file(path, "statements")
        try:
            batches.append(read_statements(text, str(path)))
        except CaseError as error:
            for line in error.lines():
                console.print(escape(line), highlight=False, soft_wrap=True)
            raise typer.Exit(code=1) from None
    with open_store(store) as opened:
        for path, statements in zip(files, batches, strict=True):
            try:
                added = opened.add(statements)
            except StoreConflictError as error:
                raise fail(f"{path}: {error}") from None
            console.print(
                f"{escape(str(path))}: {added.stored} stored, {added.already} already there"
            )


def _credentials(auth_file: Path | None) -> tuple[str | None, str | None]:
    if auth_file is not None:
        text = read_user_file(auth_file, "LRS credentials").strip()
        source = f"--lrs-auth-file {auth_file}"
    elif os.environ.get(AUTH_ENV):
        text, source = os.environ[AUTH_ENV].strip(), AUTH_ENV
    else:
        return None, None
    user, colon, password = text.partition(":")
    if not colon or not user:
        raise fail(f"{source}: holds no 'user:password'")
    return user, password


@xapi_app.command("send")
def send_command(
    lrs: Annotated[
        str, typer.Option(help="The LRS's xAPI endpoint, e.g. http://localhost:8100/xAPI/.")
    ],
    store: StoreOption = DEFAULT_STORE_URL,
    lrs_auth_file: Annotated[
        Path | None,
        typer.Option(help=f"A file holding 'user:password' (or set {AUTH_ENV})."),
    ] = None,
    attempts: Annotated[int, typer.Option(min=1, max=100, help="Tries before giving up.")] = 4,
    backoff: Annotated[
        float, typer.Option(min=0, max=600, help="Seconds before the first retry (doubling).")
    ] = 1.0,
    batch: Annotated[int, typer.Option(min=1, max=10000, help="Statements per request.")] = 100,
    timeout: Annotated[float, typer.Option(min=0.1, max=600, help="Seconds per request.")] = 30.0,
    retry_rejected: Annotated[
        bool, typer.Option("--retry-rejected", help="Queue again what the LRS refused before.")
    ] = False,
) -> None:
    """Forward the store's outbox to an LRS; exit 0 when the LRS has every statement."""
    from medtwin.training.xapi.lrs import Lrs, forward

    user, password = _credentials(lrs_auth_file)
    try:
        endpoint = Lrs(lrs, user, password, timeout)
    except ValueError as error:
        raise fail(str(error)) from None
    with open_store(store) as opened:
        if retry_rejected:
            console.print(f"queued again {opened.retry_rejected(endpoint.key)} refused statements")
        report = forward(opened, endpoint, batch_size=batch, attempts=attempts, backoff_s=backoff)
        refused = opened.rejected(endpoint.key)
    console.print(
        f"{endpoint.key}: {report.delivered} delivered, {report.rejected} refused, "
        f"{report.pending} still queued"
    )
    for statement_id, reason in refused:
        console.print(f"  refused {statement_id}: {escape(reason)}", highlight=False)
    if report.error:
        console.print(f"[yellow]last error:[/] {escape(report.error)}", highlight=False)
    if report.pending or refused:
        raise typer.Exit(code=1)


@xapi_app.command("status")
def status_command(store: StoreOption = DEFAULT_STORE_URL) -> None:
    """How many statements the store holds, and how many each LRS still lacks."""
    with open_store(store) as opened:
        console.print(
            f"{escape(store)}: {opened.count()} statements, {len(opened.learners())} learners"
        )
        for endpoint in opened.endpoints():
            refused = len(opened.rejected(endpoint))
            console.print(f"  {endpoint}: {opened.pending(endpoint)} queued, {refused} refused")
