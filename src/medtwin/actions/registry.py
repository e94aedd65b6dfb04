"""The registry of action kinds: every kind the parser, the log and the service know.

A kind registers itself with `@register` in its own module under
`medtwin.actions.kinds`; importing that package imports every module in it, so adding a
kind is writing its module (and its tests, and a line in the docs). Nothing else
changes: `parse_order`, `action_from_dict`, the event log, the accepted-forms help and
the service's `/api/config` read the registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from medtwin.actions.base import ActionBase
from medtwin.actions.errors import ActionError

KINDS: dict[str, type[ActionBase]] = {}
"""The model of each registered `kind`, in registration order."""

Kind = TypeVar("Kind", bound=type[ActionBase])


def register(model: Kind) -> Kind:
    """Class decorator: add an action kind to the registry (its `kind` must be new)."""
    kind = model.model_fields["kind"].default
    if not isinstance(kind, str) or not kind:
        raise TypeError(f"{model.__name__} needs a `kind: Literal[...]` field with a default")
    if kind in KINDS and KINDS[kind] is not model:
        raise TypeError(f"action kind {kind!r} is registered twice")
    if not model.examples or not model.forms or not model.refusals:
        raise TypeError(f"{model.__name__} must declare `forms`, `examples` and `refusals`")
    KINDS[kind] = model
    return model


def kinds_by_parse_priority() -> list[type[ActionBase]]:
    """The kinds in the order the parser asks them (specific first, catch-all last)."""
    return sorted(KINDS.values(), key=lambda model: model.parse_priority)


def accepted_forms() -> tuple[str, ...]:
    """Each kind's order forms with an example, for help texts."""
    return tuple(
        f"{form:<44} {model.examples[0]}" for model in KINDS.values() for form in model.forms
    )


def action_from_dict(data: Mapping[str, Any]) -> ActionBase:
    """The action described by `data` (as `action.model_dump()` gives it).

    Raises `ActionError` naming the field, the value and what is allowed.
    """
    if not isinstance(data, Mapping):
        raise ActionError(f"action = {data!r} is not a mapping with a 'kind' field")
    kind = data.get("kind")
    if kind not in KINDS:
        raise ActionError(f"kind = {kind!r} is not one of: {', '.join(KINDS)}")
    return KINDS[kind](**data)
