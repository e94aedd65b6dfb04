"""Per-user quotas: how many live sessions one user may run, and how many people may
take part in one session.

Each live session costs the server a twin ticking at up to 60 x real time and a stream
per participant, so one account must not be able to take the server for itself. The
defaults fit a teaching day: an instructor runs a few scenarios side by side, and a
session holds a simulation team plus a class watching (a team of 4-8 and a class of
30). A refusal is 409 naming the quota, its limit and what to do; a stream over its
message rate is closed with 1008.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from medtwin.service import store
from medtwin.service.errors import ConflictError
from medtwin.service.limits import TokenBucket


@dataclass(frozen=True)
class Quotas:
    """The limits (change them with `create_app(quotas=...)`)."""

    sessions_per_user: int = 10
    """Running or paused sessions one user is the instructor of."""
    participants_per_session: int = 40
    """People in one session, its instructor included."""
    streams_per_user: int = 10
    """Streams one user has open at once (a monitor and a console in a few tabs)."""
    stream_messages_per_s: float = 10.0
    stream_message_burst: int = 20
    """Messages one stream may send: a person gives an order or changes the clock every
    few seconds; a client over the limit is closed (1008), so that a flood from one
    cannot slow everyone else's sessions (benchmarks/service_load.py)."""

    def check_new_session(self, db: Session, username: str) -> None:
        """Refuse a new session to a user who already runs `sessions_per_user`."""
        running = store.active_sessions_run_by(db, username)
        if running >= self.sessions_per_user:
            raise ConflictError(
                f"quota sessions_per_user: {username!r} already runs {running} live sessions "
                f"(the limit is {self.sessions_per_user}); end one first"
            )

    def check_new_participant(self, db: Session, session_id: int) -> None:
        """Refuse to join a session that already has `participants_per_session`."""
        count = store.participant_count(db, session_id)
        if count >= self.participants_per_session:
            raise ConflictError(
                f"quota participants_per_session: session {session_id} has {count} "
                f"participants (the limit is {self.participants_per_session})"
            )

    def check_new_stream(self, username: str, open_streams: int) -> None:
        """Refuse another stream to a user who has `streams_per_user` open."""
        if open_streams >= self.streams_per_user:
            raise ConflictError(
                f"quota streams_per_user: {username!r} has {open_streams} streams open "
                f"(the limit is {self.streams_per_user}); close one first"
            )

    def stream_bucket(self, now: Callable[[], float]) -> TokenBucket:
        """The message allowance of one new stream."""
        return TokenBucket(self.stream_messages_per_s, self.stream_message_burst, now)
