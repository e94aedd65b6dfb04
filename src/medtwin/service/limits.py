"""Limits on guessing and on retrying: failed logins and join codes per client and per
account, refused streams per client.

Each key (`client:<address>`, `account:<name>`, `join:<address>`) may fail `max_failures`
times within `window_s`; then it is locked for `lockout_s` and every attempt is refused
with 429 and the seconds to wait. NIST SP 800-63B (2017) §5.2.2 asks for no more than 100
consecutive failed attempts per account; medtwin allows 10 per quarter hour.

Join codes are 8 characters of a 31-letter alphabet: 31**8 ≈ 8.5e11 codes. With 1,000
live sessions a guess hits one with probability 1.2e-9; at 20 guesses per quarter hour
(1,920 a day) one client needs on average 8.5e11 / 1,000 / 1,920 ≈ 440,000 days, about
1,200 years, to find one (docs/security.md).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from medtwin.service.errors import TooManyRequestsError


@dataclass
class AttemptLimiter:
    """Failed attempts per key in a sliding window, with a lockout."""

    max_failures: int
    window_s: float
    lockout_s: float
    now: Callable[[], float]
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _locked_until: dict[str, float] = field(default_factory=dict)

    def check(self, what: str, *keys: str) -> None:
        """Refuse with 429 if any of `keys` is locked out."""
        now = self.now()
        for key in keys:
            until = self._locked_until.get(key, -math.inf)
            if until > now:
                wait_s = math.ceil(until - now)
                raise TooManyRequestsError(
                    f"{what}: too many failed attempts; try again in {wait_s} s", wait_s
                )
            self._locked_until.pop(key, None)

    def failed(self, *keys: str) -> None:
        """Count a failed attempt against each key; lock those over the limit."""
        now = self.now()
        for key in keys:
            times = self._failures.setdefault(key, deque())
            times.append(now)
            while times and times[0] <= now - self.window_s:
                times.popleft()
            if len(times) >= self.max_failures:
                self._locked_until[key] = now + self.lockout_s
                del self._failures[key]

    def succeeded(self, *keys: str) -> None:
        """Forget the failures of `keys` (a correct password clears its account)."""
        for key in keys:
            self._failures.pop(key, None)


@dataclass
class TokenBucket:
    """At most `burst` at once and `rate_per_s` on average (a client's stream messages)."""

    rate_per_s: float
    burst: int
    now: Callable[[], float]
    _tokens: float = field(init=False)
    _last: float = field(init=False)

    def __post_init__(self) -> None:
        self._tokens, self._last = float(self.burst), self.now()

    def take(self) -> bool:
        """Whether one more is allowed now (and count it)."""
        self._refill()
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    def wait_s(self) -> float:
        """Seconds until one more is allowed (0 if it is now)."""
        self._refill()
        return max(0.0, (1 - self._tokens) / self.rate_per_s)

    def _refill(self) -> None:
        now = self.now()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate_per_s)
        self._last = now


def login_limiter(now: Callable[[], float]) -> AttemptLimiter:
    """10 failures per client or account per 15 min, then 15 min locked."""
    return AttemptLimiter(max_failures=10, window_s=900.0, lockout_s=900.0, now=now)


def join_limiter(now: Callable[[], float]) -> AttemptLimiter:
    """20 wrong join codes per client per 15 min, then 15 min locked."""
    return AttemptLimiter(max_failures=20, window_s=900.0, lockout_s=900.0, now=now)


def stream_refusal_limiter(now: Callable[[], float], per_min: int = 100) -> AttemptLimiter:
    """`per_min` refused streams (bad token, over a quota or the connection rate, closed
    for flooding) per client address per minute, then that address is refused at the
    handshake (HTTP 429) for a minute. The default 100: a class of 40 behind one address
    whose tokens all expired is refused 40 times at once, a client reconnecting in a
    loop a hundred times in a second."""
    return AttemptLimiter(max_failures=per_min, window_s=60.0, lockout_s=60.0, now=now)
