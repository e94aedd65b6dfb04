"""`medtwin serve`: run the live-session service and say where to open it."""

from __future__ import annotations

import copy
from typing import Annotated

import typer

from medtwin.service import DEFAULT_DATABASE_URL
from medtwin.service.client_messages import MAX_MESSAGE_BYTES

WS_MAX_FRAME_BYTES = 4 * MAX_MESSAGE_BYTES
"""The largest WebSocket frame uvicorn reads (its default is 16 MB): a client message
is at most MAX_MESSAGE_BYTES, so a bigger frame is closed (1009) before it is buffered."""
GRACEFUL_SHUTDOWN_S = 3.0
"""SIGTERM or Ctrl-C: open connections get this long, then every session writes its
checkpoint (issue 11: a normal shutdown finishes within 5 s)."""


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    database: Annotated[
        str, typer.Option(help="SQLAlchemy database URL (SQLite file by default).")
    ] = DEFAULT_DATABASE_URL,
    demo: Annotated[
        bool,
        typer.Option(help="Demo instructor (random password, loopback only) and session."),
    ] = True,
) -> None:
    """Serve live simulation sessions: the web app, the API and the WebSocket stream."""
    import uvicorn
    from sqlalchemy.exc import SQLAlchemyError

    from medtwin.service.app import create_app
    from medtwin.service.db import make_engine, make_sessionmaker
    from medtwin.service.demo import DEMO_USERNAME, ensure_demo, is_loopback

    if demo and not is_loopback(host):
        typer.echo(
            f"error: --host {host}: the demo instructor is only offered on loopback "
            "(127.0.0.1, ::1); give --no-demo to serve other addresses",
            err=True,
        )
        raise typer.Exit(code=2)
    if not is_loopback(host):
        typer.echo(
            f"warning: serving {host} without TLS: put medtwin behind a reverse proxy with "
            "TLS before anyone logs in over a network",
            err=True,
        )
    try:
        engine = make_engine(database)
        code, password = ensure_demo(make_sessionmaker(engine)) if demo else (None, None)
        engine.dispose()
        app = create_app(database)
    except (SQLAlchemyError, ValueError) as error:
        typer.echo(f"error: --database {database}: {' '.join(str(error).split())[:300]}", err=True)
        raise typer.Exit(code=2) from None
    shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    typer.echo(f"medtwin: open http://{shown_host}:{port}/")
    if code:
        typer.echo(f"  demo login: {DEMO_USERNAME} / {password} (new at every start); "
                   f"join code {code}")  # fmt: skip
    uvicorn.run(app, host=host, port=port, log_config=_log_config(), **server_options())


def server_options() -> dict:
    """What `medtwin serve` gives uvicorn besides the app and address (the tests serve
    with the same): the largest frame, the stream protocol that stops reading a closed
    stream (`ws_protocol`) and the grace of a shutdown."""
    from medtwin.service.ws_protocol import StreamProtocol

    return {"ws": StreamProtocol, "ws_max_size": WS_MAX_FRAME_BYTES,
            "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_S}  # fmt: skip


def _log_config() -> dict:
    """uvicorn's logging, with medtwin's own messages (sessions restored, failures)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["medtwin"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
