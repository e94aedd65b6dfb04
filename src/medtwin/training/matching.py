"""Does a trainee's action count as the one a case expects?

An expected order stands for every action of its kind that makes the same named choices
(the drug, the fluid, the oxygen device, the side, the site, the tube's position, the
ventilator's mode: the text and yes/no fields of the action) whatever its numbers, so
"epinephrine 1 mg IV bolus" counts any epinephrine bolus; `range` bounds the numbers
that matter (`{dose: [0.5, 1]}`, in the expected order's unit, which then must be the
same). Alternatives are a list of orders: any one counts. An expected call-out counts
a trainee's message that holds each of its words as a whole word, in any case.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from medtwin.actions import ActionBase, parse_order

if TYPE_CHECKING:
    from medtwin.training.model import ExpectedAction
    from medtwin.training.timeline import Timeline

_UNIT_FIELDS = ("unit",)
"""Text fields that say how a number is written, not what is done: compared only when a
range bounds a number."""


@dataclass(frozen=True)
class Matcher:
    """The parsed orders of an `ActionPattern` and its numeric ranges."""

    actions: tuple[ActionBase, ...]
    ranges: Mapping[str, tuple[float, float]]

    def matches(self, action: ActionBase) -> bool:
        return any(_same_choice(expected, action, self.ranges) for expected in self.actions)

    def describe(self) -> str:
        """The expected orders as the trainee would read them."""
        text = " or ".join(action.order() for action in self.actions)
        bounds = ", ".join(
            f"{name} {low:g}" + (f"-{high:g}" if high != low else "")
            for name, (low, high) in self.ranges.items()
        )
        return f"{text} ({bounds})" if bounds else text


def matcher(orders: Sequence[str] | str, ranges: Mapping[str, tuple[float, float]]) -> Matcher:
    """The matcher of `orders` (each read by the engine's order parser; `ActionError` if
    one is refused) with `ranges` on their numbers."""
    texts = [orders] if isinstance(orders, str) else list(orders)
    return Matcher(tuple(parse_order(text) for text in texts), dict(ranges))


def range_problems(
    orders: Sequence[str] | str, ranges: Mapping[str, tuple[float, float]]
) -> list[str]:
    """Why `ranges` cannot apply to `orders`: a field no order has, or one not a number,
    or a low bound above the high."""
    problems = []
    actions = matcher(orders, {}).actions
    for name, (low, high) in ranges.items():
        if low > high:
            problems.append(f"range {name} = [{low:g}, {high:g}]: the low bound is above the high")
        for action in actions:
            value = getattr(action, name, None)
            if name not in type(action).model_fields:
                known = [n for n, v in action.model_dump().items() if _is_number(v)]
                problems.append(
                    f"range {name}: {action.order()!r} has no field {name!r} "
                    f"(its numbers: {', '.join(known) or 'none'})"
                )
            elif not _is_number(value):
                problems.append(f"range {name}: {action.order()!r} gives {name} no number")
    return problems


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same_choice(
    expected: ActionBase, given: ActionBase, ranges: Mapping[str, tuple[float, float]]
) -> bool:
    if type(expected) is not type(given):
        return False
    wanted, done = expected.model_dump(), given.model_dump()
    for name, value in wanted.items():
        if name in ranges:
            low, high = ranges[name]
            got = done.get(name)
            if not _is_number(got) or not low <= got <= high:
                return False
        elif _is_number(value) or _is_number(done.get(name)):
            continue  # a number (or an optional one left out) counts only within a range
        elif name in _UNIT_FIELDS and not ranges:
            continue
        elif done.get(name) != value:
            return False
    return True


@functools.cache
def _cached(
    orders: tuple[str, ...], ranges: tuple[tuple[str, tuple[float, float]], ...]
) -> Matcher:
    return matcher(orders, dict(ranges))


def pattern_matcher(orders: Sequence[str], ranges: Mapping[str, tuple[float, float]]) -> Matcher:
    """`matcher`, made once per pattern (a run asks the same pattern every tick)."""
    return _cached(tuple(orders), tuple(sorted((k, tuple(v)) for k, v in ranges.items())))


def heard(words: Sequence[str], text: str) -> bool:
    """Whether the message `text` holds every one of `words` as a whole word (or words),
    in any case: 'VF' in 'vf, shocking now', not in 'VFib'."""
    return all(_word(word).search(text) for word in words)


@functools.cache
def _word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(word.strip())}(?!\w)", re.IGNORECASE)


def times_done(item: ExpectedAction, timeline: Timeline, since_s: float) -> list[float]:
    """When the trainees did what `item` expects from `since_s` on: gave one of its
    orders, or made its call-out."""
    if item.callout is not None:
        return [
            t for t, text in timeline.callouts if t >= since_s and heard(item.callout.words, text)
        ]
    match = pattern_matcher(item.action, item.range)
    return [t for t, action in timeline.trainee if t >= since_s and match.matches(action)]


def describe_expected(item: ExpectedAction) -> str:
    """What `item` expects, as the trainee would read it."""
    if item.callout is not None:
        return "a call-out of " + " + ".join(repr(word) for word in item.callout.words)
    return pattern_matcher(item.action, item.range).describe()
