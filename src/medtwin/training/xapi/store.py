"""A local statements store: every statement a site makes, kept whether or not it has an LRS.

SQLite by default (`sqlite:///medtwin-xapi.db`, a file beside the command), any
SQLAlchemy URL otherwise, as the service's database (service/db.py). Two tables:
- `xapi_statements`: each statement once, by its id, with the learner, verb, object
  and timestamp it is looked up by, and its canonical JSON (keys sorted) as stored;
- `xapi_deliveries`: which LRS (by endpoint) has acknowledged which statement, or
  refused it and why.

The outbox of an LRS is every statement without a delivery to it, oldest first: a
statement leaves it only when that LRS has acknowledged it, so an LRS that is down
loses nothing. Adding a statement is idempotent by id (xAPI 1.0.3, part three, 2.1.2:
an LRS must not change a statement it already has): the same statement again is a
no-op; a different statement with a stored id is refused (`StoreConflictError`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    delete,
    func,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from medtwin.training.xapi.statements import learner_key
from medtwin.training.xapi.validation import check_statement

DEFAULT_STORE_URL = "sqlite:///medtwin-xapi.db"
DELIVERED, REJECTED = "delivered", "rejected"


class Base(DeclarativeBase):
    pass


class StatementRow(Base):
    __tablename__ = "xapi_statements"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    """The order statements were stored in: the outbox's order."""
    id: Mapped[str] = mapped_column(String(36), unique=True, index=True)
    learner: Mapped[str] = mapped_column(String(512), index=True)
    verb: Mapped[str] = mapped_column(String(512))
    object_id: Mapped[str] = mapped_column(String(2048))
    registration: Mapped[str | None] = mapped_column(String(36), index=True)
    timestamp: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    added: Mapped[str] = mapped_column(String(40))


class DeliveryRow(Base):
    __tablename__ = "xapi_deliveries"

    seq: Mapped[int] = mapped_column(ForeignKey("xapi_statements.seq"), primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(2048), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[str] = mapped_column(String(40))


class StoreError(ValueError):
    """A store that cannot be opened (a bad URL, a folder that does not exist)."""


class StoreConflictError(ValueError):
    """Statements whose ids the store holds with other content."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        super().__init__(
            f"the store holds other statements with the ids {', '.join(ids[:5])}"
            + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
            + " (a statement's id names one statement only)"
        )


@dataclass(frozen=True)
class Added:
    """What `add` did: statements stored anew, and those it already had."""

    stored: int
    already: int


def canonical(statement: dict[str, Any]) -> str:
    """The statement's JSON with keys sorted: equal statements give equal text."""
    return json.dumps(statement, sort_keys=True, ensure_ascii=False, allow_nan=False)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class StatementStore:
    """The statements of a site, and each LRS's outbox."""

    def __init__(self, url: str = DEFAULT_STORE_URL) -> None:
        self.url = url
        try:
            self.engine: Engine = create_engine(url)
            Base.metadata.create_all(self.engine)
        except (ArgumentError, OperationalError, ValueError) as error:
            reason = getattr(error, "orig", None) or error
            raise StoreError(
                f"--store {url!r}: cannot open the statements store ({reason})"
            ) from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> StatementStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def add(self, statements: Iterable[dict[str, Any]]) -> Added:
        """Store valid statements (each checked) not stored yet, in order; all or none."""
        rows = []
        for statement in statements:
            check_statement(statement)
            rows.append((statement, canonical(statement)))
        stored = already = 0
        with Session(self.engine) as db, db.begin():
            existing = self._bodies(db, [s["id"] for s, _ in rows])
            conflicts = [
                s["id"] for s, body in rows if s["id"] in existing and existing[s["id"]] != body
            ]
            if conflicts:
                raise StoreConflictError(conflicts)
            seen: dict[str, str] = {}
            added = _now()
            for statement, body in rows:
                sid = statement["id"]
                if sid in existing or sid in seen:
                    if seen.get(sid, body) != body:
                        raise StoreConflictError([sid])
                    already += 1
                    continue
                seen[sid] = body
                db.add(_row(statement, body, added))
                stored += 1
        return Added(stored, already)

    @staticmethod
    def _bodies(db: Session, ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            query = select(StatementRow.id, StatementRow.body).where(StatementRow.id.in_(chunk))
            found.update(dict(db.execute(query).all()))
        return found

    def count(self) -> int:
        with Session(self.engine) as db:
            return db.scalar(select(func.count()).select_from(StatementRow)) or 0

    def statements(self, learner: str | None = None) -> list[dict[str, Any]]:
        """Every statement (or one learner's, by `learner_key`), in the order stored."""
        query = select(StatementRow.body).order_by(StatementRow.seq)
        if learner is not None:
            query = query.where(StatementRow.learner == learner)
        with Session(self.engine) as db:
            return [json.loads(body) for body in db.scalars(query)]

    def learners(self) -> list[str]:
        """The learner keys of every actor in the store, sorted."""
        with Session(self.engine) as db:
            return sorted(db.scalars(select(StatementRow.learner).distinct()))

    def outbox(self, endpoint: str, limit: int | None = None) -> list[tuple[int, dict[str, Any]]]:
        """(seq, statement) not yet delivered to (nor refused by) `endpoint`, oldest first."""
        done = select(DeliveryRow.seq).where(DeliveryRow.endpoint == endpoint)
        query = (
            select(StatementRow.seq, StatementRow.body)
            .where(StatementRow.seq.not_in(done))
            .order_by(StatementRow.seq)
        )
        if limit is not None:
            query = query.limit(limit)
        with Session(self.engine) as db:
            return [(seq, json.loads(body)) for seq, body in db.execute(query)]

    def pending(self, endpoint: str) -> int:
        done = select(DeliveryRow.seq).where(DeliveryRow.endpoint == endpoint)
        query = select(func.count()).select_from(StatementRow).where(StatementRow.seq.not_in(done))
        with Session(self.engine) as db:
            return db.scalar(query) or 0

    def mark(self, endpoint: str, seqs: Iterable[int], status: str, detail: str = "") -> None:
        """Record that `endpoint` acknowledged (`DELIVERED`) or refused (`REJECTED`) these."""
        at = _now()
        with Session(self.engine) as db, db.begin():
            for seq in seqs:
                db.merge(
                    DeliveryRow(seq=seq, endpoint=endpoint, status=status, detail=detail, at=at)
                )

    def rejected(self, endpoint: str) -> list[tuple[str, str]]:
        """(statement id, the LRS's reason) of each statement `endpoint` refused."""
        query = (
            select(StatementRow.id, DeliveryRow.detail)
            .join(DeliveryRow, DeliveryRow.seq == StatementRow.seq)
            .where(DeliveryRow.endpoint == endpoint, DeliveryRow.status == REJECTED)
            .order_by(StatementRow.seq)
        )
        with Session(self.engine) as db:
            return [tuple(row) for row in db.execute(query)]

    def retry_rejected(self, endpoint: str) -> int:
        """Put the statements `endpoint` refused back in its outbox; how many."""
        with Session(self.engine) as db, db.begin():
            result = db.execute(
                delete(DeliveryRow).where(
                    DeliveryRow.endpoint == endpoint, DeliveryRow.status == REJECTED
                )
            )
            return result.rowcount or 0

    def endpoints(self) -> list[str]:
        with Session(self.engine) as db:
            return sorted(db.scalars(select(DeliveryRow.endpoint).distinct()))


def _row(statement: dict[str, Any], body: str, added: str) -> StatementRow:
    context = statement.get("context") or {}
    return StatementRow(
        id=statement["id"],
        learner=learner_key(statement["actor"]),
        verb=statement["verb"]["id"],
        object_id=str(statement["object"].get("id", "")),
        registration=context.get("registration"),
        timestamp=statement["timestamp"],
        body=body,
        added=added,
    )
