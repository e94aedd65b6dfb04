"""Physiological conditions of a case: 'spo2 < 85 for 30 s', 'rhythm is vf'.

A condition is a signal of the twin's vitals (data/signals.csv, as the twin reports
them), a comparison and a number, optionally held for a time; or the heart's rhythm
being (or not being) one of the engine's rhythms. `news2` is the NEWS2 score of the
moment (`medtwin.training.news2`). A signal the monitor cannot measure (NaN, such as
SpO2 without a pulse) meets no comparison: an arrest is read from the rhythm.

`ConditionClock` follows one condition through a run, read once a tick: it knows since
when the condition has held, so "for 30 s" is met after 30 s of holding without a break.
"""

from __future__ import annotations

import difflib
import functools
import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from medtwin.actions import ActionError
from medtwin.actions.grammar import NUMBER, number
from medtwin.actions.kinds.rhythm import RHYTHM_WORDS
from medtwin.training.times import to_seconds

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
    "==": operator.eq,
    "!=": operator.ne,
}
DERIVED_SIGNALS = ("news2",)
"""Signals the case runner computes from the vitals, beside the twin's own."""
FORMS = (
    "'<signal> <op> <number> [for <time>]' (op: < <= > >= == !=) or "
    "'rhythm is [not] <rhythm> [for <time>]'"
)
_FOR = r"(?:\s+for\s+(?P<hold>.+?))?"
_COMPARISON = re.compile(
    rf"\s*(?P<signal>[a-z][a-z0-9_]*)\s*(?P<op><=|>=|==|!=|<|>)\s*(?P<value>{NUMBER})"
    rf"(?:\s*(?P<unit>[a-z%/0-9]+))??{_FOR}\s*",
    re.I,
)
_RHYTHM = re.compile(rf"\s*rhythm\s+is\s+(?P<negated>not\s+)?(?P<rhythm>.+?){_FOR}\s*", re.I)


@dataclass(frozen=True)
class Condition:
    """`signal op threshold` (or the rhythm being `rhythm`), held for `hold_s`."""

    text: str
    signal: str
    op: str = "=="
    threshold: float = math.nan
    rhythm: str | None = None
    negated: bool = False
    hold_s: float = 0.0
    unit: str | None = None
    """The unit written after the number, if any; it must be the signal's own."""

    def holds(self, vitals: Mapping[str, float], rhythm_name: str) -> bool:
        """Whether the condition holds at this moment (not counting its hold time)."""
        if self.rhythm is not None:
            return (rhythm_name == self.rhythm) != self.negated
        value = vitals.get(self.signal, math.nan)
        return not math.isnan(value) and OPERATORS[self.op](value, self.threshold)


def parse_condition(text: str) -> Condition:
    """The condition `text` describes; ValueError saying what was expected."""
    if not isinstance(text, str):
        raise ValueError(f"condition {text!r} is not text; write it like {FORMS}")
    rhythm_match = _RHYTHM.fullmatch(text)
    if rhythm_match:
        name = RHYTHM_WORDS.get(rhythm_match["rhythm"].strip().lower())
        if name is None:
            known = ", ".join(sorted(RHYTHM_WORDS))
            raise ValueError(
                f"condition {text!r}: rhythm {rhythm_match['rhythm']!r} is not one of: {known}"
            )
        hold = _hold(rhythm_match["hold"], text)
        return Condition(
            text.strip(), "rhythm", rhythm=name, negated=bool(rhythm_match["negated"]), hold_s=hold
        )
    match = _COMPARISON.fullmatch(text)
    if match is None:
        raise ValueError(f"condition {text!r} not understood; write it like {FORMS}")
    return Condition(
        text.strip(),
        match["signal"].lower(),
        match["op"],
        number(match["value"]),
        hold_s=_hold(match["hold"], text),
        unit=match["unit"],
    )


def _hold(hold: str | None, text: str) -> float:
    if hold is None:
        return 0.0
    try:
        return to_seconds(hold)
    except ValueError as error:
        raise ValueError(f"condition {text!r}: hold time {hold!r} {error}") from None


@functools.cache
def known_signals() -> frozenset[str]:
    """The signals a condition may read: the twin's vitals, the drugs' concentrations by
    the names the twin gives them, and the derived signals."""
    from medtwin import pharmacology
    from medtwin.twin import SIGNAL_NAMES

    drugs = set()
    for drug in pharmacology.drugs():
        unit = drug.concentration_unit.replace("/", "_per_")
        drugs |= {
            f"{drug.name}_plasma_concentration_{unit}",
            f"{drug.name}_effect_site_concentration_{unit}",
        }
    return frozenset({*SIGNAL_NAMES, *drugs, *DERIVED_SIGNALS, "rhythm"})


def check_signal(condition: Condition) -> str | None:
    """Why `condition` cannot be read (an unknown signal, a unit not the signal's), or
    None."""
    from medtwin.signals import UnknownNameError, signal

    if condition.signal in known_signals():
        if condition.unit is None or condition.signal not in _csv_units():
            return None
        unit = _csv_units()[condition.signal]
        if condition.unit.lower() == unit.lower():
            return None
        return (
            f"condition {condition.text!r}: {condition.signal} is in {unit}, not {condition.unit}"
        )

    try:
        signal(condition.signal)
    except UnknownNameError:
        close = difflib.get_close_matches(
            condition.signal, sorted(known_signals()), n=4, cutoff=0.6
        )
        hint = (
            f"did you mean {', '.join(close)}?"
            if close
            else "the signals are named in data/signals.csv (docs/training.md: the common ones)"
        )
        return f"condition {condition.text!r}: unknown signal {condition.signal!r}; {hint}"
    return (
        f"condition {condition.text!r}: signal {condition.signal!r} is listed in "
        "data/signals.csv but the engine does not compute it yet"
    )


@functools.cache
def _csv_units() -> dict[str, str]:
    from medtwin.signals import SIGNALS

    return {s.name: s.unit for s in SIGNALS}


class ConditionClock:
    """Since when a condition has held, tick by tick."""

    def __init__(self, condition: Condition) -> None:
        self.condition = condition
        self.since_s: float | None = None

    def update(self, now_s: float, vitals: Mapping[str, float], rhythm_name: str) -> None:
        if self.condition.holds(vitals, rhythm_name):
            if self.since_s is None:
                self.since_s = now_s
        else:
            self.since_s = None

    def met(self, now_s: float, counting_from_s: float = 0.0) -> bool:
        """Whether it has held for its hold time, counting only from `counting_from_s`
        (a phase's start)."""
        if self.since_s is None:
            return False
        return now_s - max(self.since_s, counting_from_s) >= self.condition.hold_s - 1e-9


def condition_error(text: str) -> str | None:
    """Why `text` is not a readable condition on a known signal, or None."""
    try:
        condition = parse_condition(text)
    except (ValueError, ActionError) as error:
        return str(error)
    return check_signal(condition)
