"""`create_app(database_url)`: the FastAPI app of the live-session service."""

from __future__ import annotations

import logging
from collections import Counter
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from medtwin.service.body_limits import BodySizeLimit
from medtwin.service.db import DEFAULT_DATABASE_URL, make_engine, make_sessionmaker
from medtwin.service.errors import install_error_handlers
from medtwin.service.keys import signing_key
from medtwin.service.limits import join_limiter, login_limiter, stream_refusal_limiter
from medtwin.service.quotas import Quotas
from medtwin.service.runtime import RuntimeSettings, SessionManager
from medtwin.service.tracking import TrackingSettings, TwinManager
from medtwin.service.views import cases, config, sessions, stream, twins, users

log = logging.getLogger("medtwin.service")
STATIC_DIR = Path(str(files("medtwin.service") / "static"))


def create_app(
    database_url: str = DEFAULT_DATABASE_URL,
    *,
    settings: RuntimeSettings | None = None,
    key_file: Path | None = None,
    quotas: Quotas | None = None,
    tracking: TrackingSettings | None = None,
) -> FastAPI:
    """The service on `database_url` (the demo, if any, is made by `medtwin serve`);
    tokens are signed with the key of `service.keys` (`key_file`, if given); every
    request body is limited (`body_limits`) and every user held to `quotas`. Patients'
    twins step by `tracking` (by default on the sessions' clock)."""
    engine = make_engine(database_url)
    make_db = make_sessionmaker(engine)
    manager = SessionManager(make_db, settings or RuntimeSettings())
    twin_manager = TwinManager(make_db, tracking or TrackingSettings(clock=manager.settings.clock))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await manager.start()
        await twin_manager.start()
        try:
            yield
        finally:
            await twin_manager.stop()
            await manager.stop()
            engine.dispose()

    app = FastAPI(title="medtwin", lifespan=lifespan)
    app.state.sessionmaker = make_db
    app.state.manager = manager
    app.state.twins = twin_manager
    clock = manager.settings.clock
    app.state.login_limiter = login_limiter(clock.now)
    app.state.join_limiter = join_limiter(clock.now)
    app.state.quotas = quotas or Quotas()
    app.state.stream_refusals = stream_refusal_limiter(
        clock.now, app.state.quotas.stream_refusals_per_min
    )
    app.state.stream_connects = {}  # username -> TokenBucket of new streams
    app.state.held_handshakes = 0  # refused handshakes waiting to be answered
    app.state.secret = signing_key(key_file)
    app.state.open_streams = Counter()  # streams open per user, for the quota
    app.add_middleware(BodySizeLimit)
    install_error_handlers(app)
    app.include_router(config.router)
    app.include_router(users.router)
    app.include_router(cases.router)
    app.include_router(sessions.router)
    app.include_router(stream.router)
    app.include_router(twins.router)
    if STATIC_DIR.is_dir():
        app.mount("/", StaticFiles(directory=STATIC_DIR, html=True), name="static")
    return app
