"""Forwarding a store's outbox to an external LRS, losing nothing when it is down.

The statements API of xAPI 1.0.3 (part three, 2.1): `POST {endpoint}statements` with a
list of statements, the `X-Experience-API-Version` header and HTTP Basic credentials.
An LRS answers 200 (stored; their ids), 204 (it had them all) or, for a statement whose
id it holds with other content, 409 Conflict; 400 for a statement it will not take.

- Batches go oldest first. A batch the LRS acknowledges (200 or 204) leaves the outbox;
  one it refuses (400, 409) is sent again a statement at a time (`PUT
  statements?statementId=...`) so that only the refused statements are set aside,
  each with the LRS's reason (`medtwin xapi send --retry-rejected` queues them again).
- A network error, a time-out, 408, 429 or a 5xx answer is retried `attempts` times
  with a doubling wait (`backoff_s`, 2 x, 4 x ...); then forwarding stops and the
  statements stay queued for the next `send`. Sending again is safe: statements carry
  their ids, and an LRS stores a statement id once (part three, 2.1.2), so a batch whose
  acknowledgement was lost is not stored twice.

Only the standard library's HTTP client is used, so forwarding needs nothing installed.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from medtwin.training.xapi.store import DELIVERED, REJECTED, StatementStore
from medtwin.training.xapi.vocabulary import XAPI_VERSION

RETRIED_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
"""Answers that say 'not now' (RFC 9110: 408 Request Timeout, 503 Service Unavailable...;
RFC 6585: 429 Too Many Requests), as against 'never' (400, 401, 403, 409)."""


class LrsError(RuntimeError):
    """The LRS cannot be reached or will not take statements now (worth retrying)."""


class LrsRefusedError(RuntimeError):
    """The LRS will not take statements from us at all (wrong credentials, wrong URL)."""


@dataclass(frozen=True)
class Lrs:
    """An LRS's statements endpoint (e.g. http://lrs.example:8100/xAPI/) and credentials."""

    endpoint: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout_s: float = 30.0

    def __post_init__(self) -> None:
        parts = urlsplit(self.endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                f"--lrs {self.endpoint!r} is not an http(s) URL of an LRS's xAPI endpoint "
                "(e.g. http://localhost:8100/xAPI/)"
            )
        if parts.username or parts.password:
            raise ValueError("--lrs: give the credentials with --lrs-auth, not in the URL")

    @property
    def key(self) -> str:
        """The endpoint as the store names it: scheme, host and path, ending in '/'."""
        parts = urlsplit(self.endpoint)
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        return urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))

    def _request(self, method: str, path: str, body: Any) -> tuple[int, str]:
        data = json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")
        request = urllib.request.Request(self.key + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        request.add_header("X-Experience-API-Version", XAPI_VERSION)
        if self.username is not None:
            token = f"{self.username}:{self.password or ''}".encode()
            request.add_header("Authorization", "Basic " + base64.b64encode(token).decode())
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", None) or error
            raise LrsError(f"{self.key}: cannot reach the LRS ({reason})") from None

    def post(self, statements: list[dict[str, Any]]) -> tuple[int, str]:
        return self._checked(*self._request("POST", "statements", statements))

    def put(self, statement: dict[str, Any]) -> tuple[int, str]:
        path = "statements?statementId=" + quote(statement["id"])
        return self._checked(*self._request("PUT", path, statement))

    def _checked(self, status: int, text: str) -> tuple[int, str]:
        if status in RETRIED_STATUSES:
            raise LrsError(f"{self.key}: the LRS answered {status} ({_short(text)})")
        if status in (401, 403, 404, 405):
            raise LrsRefusedError(f"{self.key}: the LRS answered {status} ({_short(text)})")
        return status, text


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:197] + "..."


@dataclass
class Forwarded:
    """What one `forward` did."""

    delivered: int = 0
    rejected: int = 0
    pending: int = 0
    attempts: int = 0
    error: str | None = None


def forward(
    store: StatementStore,
    lrs: Lrs,
    *,
    batch_size: int = 100,
    attempts: int = 4,
    backoff_s: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Forwarded:
    """Send `lrs`'s outbox from `store`, batch by batch, until it is empty or the LRS
    fails `attempts` times in a row (see the module's docstring)."""
    report = Forwarded()
    failures = 0
    while batch := store.outbox(lrs.key, batch_size):
        report.attempts += 1
        try:
            _send_batch(store, lrs, batch, report)
        except LrsError as error:
            failures += 1
            report.error = str(error)
            if failures >= attempts:
                break
            sleep(backoff_s * 2 ** (failures - 1))
            continue
        except LrsRefusedError as error:
            report.error = str(error)
            break
        failures = 0
        report.error = None
    report.pending = store.pending(lrs.key)
    return report


def _send_batch(
    store: StatementStore, lrs: Lrs, batch: list[tuple[int, dict[str, Any]]], report: Forwarded
) -> None:
    status, text = lrs.post([statement for _, statement in batch])
    if status in (200, 204):
        store.mark(lrs.key, [seq for seq, _ in batch], DELIVERED)
        report.delivered += len(batch)
        return
    # refused as a whole: find which, one at a time
    for seq, statement in batch:
        status, text = lrs.put(statement)
        if status in (200, 204):
            store.mark(lrs.key, [seq], DELIVERED)
            report.delivered += 1
        else:
            store.mark(lrs.key, [seq], REJECTED, f"{status}: {_short(text)}")
            report.rejected += 1
