"""Who may do what in a session: one table, read by every endpoint and stream message."""

from __future__ import annotations

from medtwin.service.errors import ForbiddenError

ROLES = ("instructor", "trainee", "observer")
PERMISSIONS: dict[str, frozenset[str]] = {
    "view": frozenset(ROLES),
    "order": frozenset({"instructor", "trainee"}),
    "inject": frozenset({"instructor"}),  # insults such as a haemorrhage
    "control": frozenset({"instructor"}),  # clock and end
    "notes": frozenset({"instructor"}),
    "talk": frozenset({"instructor", "trainee"}),  # call-outs to the team
}
_DOING = {"view": "see this session", "order": "give orders", "control": "control the clock",
          "notes": "read or write notes", "talk": "send call-outs to the team",
          "inject": "inject events such as a haemorrhage"}  # fmt: skip


def allowed(role: str | None, permission: str) -> bool:
    return role is not None and role in PERMISSIONS[permission]


def require(role: str | None, permission: str, session_id: int) -> str:
    """`role` if it grants `permission`, else `ForbiddenError` saying who may."""
    if role is None:
        raise ForbiddenError(
            f"session {session_id}: you are not a participant; join it with its code"
        )
    if not allowed(role, permission):
        who = ", ".join(r for r in ROLES if r in PERMISSIONS[permission])
        raise ForbiddenError(f"role {role!r} cannot {_DOING[permission]} (allowed: {who})")
    return role
