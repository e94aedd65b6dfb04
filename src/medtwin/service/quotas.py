"""Per-user quotas: how many live sessions and patients' twins one user may run, and how
many people may take part in one session.

Each live session costs the server a twin ticking at up to 60 x real time and a stream
per participant, so one account must not be able to take the server for itself. The
defaults fit a teaching day: an instructor runs a few scenarios side by side, and a
session holds a simulation team plus a class watching (a team of 4-8 and a class of
30). A refusal is 409 naming the quota, its limit and what to do; a stream over its
message rate is closed with 1008, and a stream opened too soon after others is refused
with 4429 and the seconds to wait.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from medtwin.service import store
from medtwin.service.errors import ConflictError, TooManyRequestsError
from medtwin.service.limits import TokenBucket


@dataclass(frozen=True)
class Quotas:
    """The limits (change them with `create_app(quotas=...)`)."""

    sessions_per_user: int = 10
    """Running or paused sessions one user is the instructor of."""
    participants_per_session: int = 40
    """People in one session, its instructor included."""
    twins_per_user: int = 5
    """Patients' twins one user keeps in step with live data: each is an ensemble of up
    to 50 twins stepping every second, a few times the cost of a session."""
    values_waiting_per_twin: int = 20_000
    """Observed values waiting for a twin's estimator: it takes them every second, so a
    monitor's 1 Hz numerics keep a few dozen waiting; a client sending faster than the
    estimator assimilates is told to slow down (429) before the server's memory fills."""
    streams_per_user: int = 10
    """Streams one user has open at once (a monitor and a console in a few tabs)."""
    stream_messages_per_s: float = 10.0
    stream_message_burst: int = 20
    """Messages one stream may send: a person gives an order or changes the clock every
    few seconds; a client over the limit is closed (1008), so that a flood from one
    cannot slow everyone else's sessions (benchmarks/service_load.py)."""
    stream_connect_burst: int = 10
    stream_connects_per_min: float = 12.0
    """Streams one user may open: every tab at once after the network dropped (as many
    as `streams_per_user`), then one every 5 s; a client that reconnects in a loop is
    refused (4429, with the seconds to wait) instead of costing the server a snapshot of
    the session each time."""
    stream_refusals_per_min: int = 100
    """Refused streams one client address may have in a minute before its handshakes
    are refused too (`limits.stream_refusal_limiter`)."""

    def check_new_session(self, db: Session, username: str) -> None:
        """Refuse a new session to a user who already runs `sessions_per_user`."""
        running = store.active_sessions_run_by(db, username)
        situation = f"{username!r} already runs {running} live sessions"
        _refuse_at("sessions_per_user", running, self.sessions_per_user, situation, "end one first")

    def check_new_twin(self, db: Session, username: str) -> None:
        """Refuse a new twin to a user who already keeps `twins_per_user`."""
        kept = store.twin_count_of(db, username)
        situation = f"{username!r} already keeps {kept} twins"
        _refuse_at("twins_per_user", kept, self.twins_per_user, situation, "delete one first")

    def check_values_waiting(self, twin_id: int, waiting: int, arriving: int) -> None:
        """Refuse `arriving` values to a twin with `waiting` not yet assimilated, if
        together they are over `values_waiting_per_twin`."""
        if waiting + arriving > self.values_waiting_per_twin:
            raise TooManyRequestsError(
                f"quota values_waiting_per_twin: twin {twin_id} has {waiting} values waiting "
                f"for its estimator and {arriving} arrived (the limit is "
                f"{self.values_waiting_per_twin}); send them again in a second",
                retry_after_s=1,
            )

    def check_new_participant(self, db: Session, session_id: int) -> None:
        """Refuse to join a session that already has `participants_per_session`."""
        count = store.participant_count(db, session_id)
        _refuse_at("participants_per_session", count, self.participants_per_session,
                   f"session {session_id} has {count} participants")  # fmt: skip

    def check_new_stream(self, username: str, open_streams: int) -> None:
        """Refuse another stream to a user who has `streams_per_user` open."""
        situation = f"{username!r} has {open_streams} streams open"
        _refuse_at("streams_per_user", open_streams, self.streams_per_user, situation,
                   "close one first")  # fmt: skip

    def stream_bucket(self, now: Callable[[], float]) -> TokenBucket:
        """The message allowance of one new stream."""
        return TokenBucket(self.stream_messages_per_s, self.stream_message_burst, now)

    def connect_bucket(self, now: Callable[[], float]) -> TokenBucket:
        """The allowance of one user's new streams."""
        return TokenBucket(self.stream_connects_per_min / 60.0, self.stream_connect_burst, now)

    def check_stream_connect(self, username: str, allowance: TokenBucket) -> None:
        """Refuse (429) a new stream to a user over `allowance`, with the seconds to wait."""
        if not allowance.take():
            wait_s = max(1, math.ceil(allowance.wait_s()))
            raise TooManyRequestsError(
                f"quota stream_connects_per_min: {username!r} opened more than "
                f"{self.stream_connect_burst} streams at once or "
                f"{self.stream_connects_per_min:g} a minute; try again in {wait_s} s",
                retry_after_s=wait_s,
            )


def _refuse_at(quota: str, count: int, limit: int, situation: str, advice: str = "") -> None:
    """409 naming the quota, the situation, its limit and what to do, once `count` has
    reached `limit`."""
    if count >= limit:
        then = f"; {advice}" if advice else ""
        raise ConflictError(f"quota {quota}: {situation} (the limit is {limit}){then}")
