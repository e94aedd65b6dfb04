"""The service's tables (SQLAlchemy 2) and the engine for a database URL.

SQLite by default (`sqlite:///medtwin.db`), any SQLAlchemy URL otherwise (PostgreSQL).
Sessions, events, 1 Hz vitals, snapshots and notes are enough to restore every live
session after a restart; a patient's twin is kept as the twin file it was built from and
the journal of its live estimator's steps since its newest checkpoint, which together
rebuild its estimate.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    false,
    inspect,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from medtwin.service import DEFAULT_DATABASE_URL

CODE_LENGTH = 8
"""Join codes of 8 characters (the alphabet is `store.CODE_ALPHABET`)."""
POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")
POSTGRESQL_DRIVER = "postgresql+psycopg://"
"""`--database postgresql://...` means psycopg 3, the driver medtwin installs (SQLAlchemy
would otherwise look for psycopg2)."""


POOL_SIZE = 10
"""Database connections kept open; past them, more are opened as needed and closed when
given back, so that no caller ever waits for one. With SQLAlchemy's default pool (5 +
10, then a 30 s wait) the event loop, which reads on its own thread, waited for a
connection held by requests that were themselves waiting for the loop: every session
and stream stopped for the 30 s of the pool's timeout (benchmarks/service_load.py at
100 sessions x 3 clients, docs/security.md)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    created: Mapped[datetime] = mapped_column(default=utc_now)


class SessionRow(Base):
    """A live session: who runs it, which patient, and where its clock stands."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(200))
    patient: Mapped[dict] = mapped_column(JSON)
    seed: Mapped[int] = mapped_column(BigInteger, default=0)  # seeds up to 2**32 - 1
    status: Mapped[str] = mapped_column(String(16), default="running")
    speed: Mapped[float] = mapped_column(Float, default=1.0)
    time_s: Mapped[float] = mapped_column(Float, default=0.0)
    created: Mapped[datetime] = mapped_column(default=utc_now)
    instructor: Mapped[str] = mapped_column(String(32))
    case_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The library case the session runs (None: a free session)."""
    case_log: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The case's run log (JSON lines), written when the session ends."""
    share_prompts: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Whether the team sees the coach's prompts (the instructor decides)."""


class Participant(Base):
    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("session_id", "username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    username: Mapped[str] = mapped_column(String(32), index=True)
    role: Mapped[str] = mapped_column(String(16))


class EventRow(Base):
    """One event of a session's log: the readable order and the action's fields."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    time_s: Mapped[float] = mapped_column(Float)
    order: Mapped[str] = mapped_column(Text)
    action: Mapped[dict] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    queued: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    cause: Mapped[int | None] = mapped_column(Integer, nullable=True)
    wall_time: Mapped[datetime] = mapped_column(default=utc_now)


class CaseEventRow(Base):
    """An instructor event of a case fired in a session, and how many of the session's
    events came before it (where a replay fires it again)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    time_s: Mapped[float] = mapped_column(Float)
    name: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(32))
    events_before: Mapped[int] = mapped_column(Integer)
    wall_time: Mapped[datetime] = mapped_column(default=utc_now)


class TeamMessageRow(Base):
    """A call-out to the team, by whom and when (closed-loop communication)."""

    __tablename__ = "team_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    time_s: Mapped[float] = mapped_column(Float)
    author: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    wall_time: Mapped[datetime] = mapped_column(default=utc_now)


class OverrideRow(Base):
    """The instructor showing a vital sign other than the physiology's, for a while."""

    __tablename__ = "overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    time_s: Mapped[float] = mapped_column(Float)
    signal: Mapped[str] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Float)
    seconds: Mapped[float] = mapped_column(Float)
    author: Mapped[str] = mapped_column(String(32))
    wall_time: Mapped[datetime] = mapped_column(default=utc_now)


class TwelveLeadRow(Base):
    """A 12-lead ECG the team ordered: its 10 s of the 12 leads, as JSON."""

    __tablename__ = "twelve_leads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    time_s: Mapped[float] = mapped_column(Float)
    """When the recording started."""
    recording: Mapped[str] = mapped_column(Text)
    """The recording as `electrocardiograph.recording` gives it, as JSON."""


class LayoutRow(Base):
    """A monitor layout the instructor set for everyone of one role (the latest counts)."""

    __tablename__ = "monitor_layouts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    layout: Mapped[str] = mapped_column(Text)
    """The layout as JSON: {"waves": [...], "numerics": [...]}."""
    wall_time: Mapped[datetime] = mapped_column(default=utc_now)


class VitalsRow(Base):
    """The main numerics at one whole second of simulated time."""

    __tablename__ = "vitals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    time_s: Mapped[float] = mapped_column(Float, index=True)
    values: Mapped[dict] = mapped_column(JSON)


class SnapshotRow(Base):
    """A pickled `medtwin.twin.Snapshot` (see `codec`); only the latest few are kept."""

    __tablename__ = "snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    time_s: Mapped[float] = mapped_column(Float)
    events_count: Mapped[int] = mapped_column(Integer)
    blob: Mapped[bytes] = mapped_column(LargeBinary)
    wall_time: Mapped[datetime] = mapped_column(default=utc_now)


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    time_s: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(32))
    wall_time: Mapped[datetime] = mapped_column(default=utc_now)


class TwinRow(Base):
    """A patient's twin the service keeps in step with live observations: whose it is,
    the twin file's document (`assimilation.twin_file`) and its ensemble's size and seed."""

    __tablename__ = "twins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(32), index=True)
    document: Mapped[dict] = mapped_column(JSON)
    members: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigInteger, default=0)  # seeds up to 2**32 - 1
    created: Mapped[datetime] = mapped_column(default=utc_now)


class TwinStepRow(Base):
    """One step of a tracked twin's live estimator, journaled before it is applied: the
    clock's time and the observations that arrived (`assimilation.live.StepInput`).
    Replayed in `number` order on the twin's ensemble, fitted again with its seed, they
    give its estimate back bit for bit (`service.tracking`)."""

    __tablename__ = "twin_steps"
    __table_args__ = (UniqueConstraint("twin_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    twin_id: Mapped[int] = mapped_column(ForeignKey("twins.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    """The step's place in the twin's journal, from 1."""
    time: Mapped[str] = mapped_column(String(40))
    """The clock's time of the step, ISO 8601 with its offset (exact to the microsecond,
    which a database's date-time column need not be)."""
    arrivals: Mapped[list] = mapped_column(JSON)


class TwinCheckpointRow(Base):
    """A tracked twin's live estimator as it stood after journal step `number`
    (`assimilation.checkpoint`): replay starts from it, and the steps up to it are
    deleted with the checkpoint before it, in the same transaction."""

    __tablename__ = "twin_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    twin_id: Mapped[int] = mapped_column(ForeignKey("twins.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    blob: Mapped[bytes] = mapped_column(LargeBinary)


class TokenVersion(Base):
    """A user's token generation: logging out moves it on, which revokes every token
    issued before (a table of its own, so that older databases need no new column)."""

    __tablename__ = "token_versions"

    username: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


def make_engine(database_url: str = DEFAULT_DATABASE_URL) -> Engine:
    """The engine for `database_url`, with every table created."""
    database_url = driver_url(database_url)
    is_sqlite = database_url.startswith("sqlite")
    connect_args = {"check_same_thread": False, "timeout": 30} if is_sqlite else {}
    engine = create_engine(database_url, connect_args=connect_args, pool_size=POOL_SIZE,
                           max_overflow=-1)  # fmt: skip
    if is_sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    Base.metadata.create_all(engine)
    _add_missing_columns(engine)
    return engine


def driver_url(database_url: str) -> str:
    """`database_url` with the PostgreSQL driver medtwin ships named."""
    for scheme in POSTGRESQL_SCHEMES:
        if database_url.startswith(scheme):
            return POSTGRESQL_DRIVER + database_url.removeprefix(scheme)
    return database_url


def _add_missing_columns(engine: Engine) -> None:
    """Bring a database made by an older medtwin up to date: columns added since (each
    nullable or with a server default) are added, so yesterday's sessions still open."""
    tables = inspect(engine)
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            present = {column["name"] for column in tables.get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                kind = column.type.compile(dialect=engine.dialect)
                default = ""
                if column.server_default is not None:
                    default = (
                        f" DEFAULT {column.server_default.arg.compile(dialect=engine.dialect)}"
                    )
                connection.execute(
                    text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}{default}')
                )


def _sqlite_pragmas(connection, _record) -> None:
    # WAL lets the live sessions' writers and the request handlers' readers overlap.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_sessionmaker(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)
