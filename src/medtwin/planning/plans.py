"""A plan: a named list of timed orders in the engine's grammar.

A plan string holds orders separated by `;`, each optionally timed from the plan's
start with the engine's timed-order form ("10 min: norepinephrine 0.1 mcg/kg/min IV
infusion"); untimed orders start at once. `no change` (or an empty string) is the plan
of giving nothing. An order the engine refuses (unknown drug, dose over its limit) is a
`PlanError` naming the plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from medtwin.actions import ActionBase, ActionError, parse_order, parse_timed_order
from medtwin.patients import Patient

NO_CHANGE = ("no change", "none", "")


class PlanError(ValueError):
    """A plan that cannot be run; the message names the plan and the refused order."""


@dataclass(frozen=True)
class Plan:
    name: str
    orders: tuple[tuple[float, ActionBase], ...]


def parse_plan(text: str, patient: Patient | None = None) -> Plan:
    """The plan `text` describes, its orders checked for `patient` if given."""
    name = " ".join(text.split())
    if name.lower() in NO_CHANGE:
        return Plan(name or "no change", ())
    orders = []
    for part in (p.strip() for p in name.split(";")):
        if not part:
            continue
        try:
            timed = parse_timed_order(part) if _is_timed(part) else (0.0, parse_order(part))
            if patient is not None:
                timed[1].check(patient)
        except ActionError as error:
            raise PlanError(f"plan {name!r}: order {part!r}: {error}") from None
        orders.append(timed)
    return Plan(name, tuple(sorted(orders, key=lambda o: o[0])))


def _is_timed(part: str) -> bool:
    head = part.split(":", 1)[0].strip()
    return ":" in part and (head[:1].isdigit())
