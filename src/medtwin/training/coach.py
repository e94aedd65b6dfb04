"""The coach: prompts while the trainee acts, from the case's rules and from the twin.

Modes, per session: `off` (silent), `hints` (the case's rules, in the words of a hint:
an expected action half-way through its window without being done, then overdue) and
`full` (the rules naming the action, and the look-ahead: the coach forks the twin, runs
the copy ahead with nothing changed and says when a watched condition would be met,
"if nothing changes, MAP falls below 50 mmHg in about 4 minutes"). It looks ahead every
`coach.every` of case time and just after each trainee action ("after this action,
..."). Every prompt goes into the run log with its time, rule and level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from medtwin.physiology.layout import PERFUSING_RHYTHMS
from medtwin.training.conditions import ConditionClock, parse_condition
from medtwin.training.matching import describe_expected, times_done
from medtwin.training.model import SCORED_CLASSES, Case, Watch
from medtwin.training.news2 import news2
from medtwin.training.times import clock

if TYPE_CHECKING:
    from medtwin.training.timeline import Timeline
    from medtwin.twin import Twin

Mode = Literal["off", "hints", "full"]
MODES: tuple[Mode, ...] = ("off", "hints", "full")
DEFAULT_WATCH = (
    Watch(condition="mean_arterial_pressure < 50", say="MAP falls below 50 mmHg"),
    Watch(condition="spo2 < 85", say="SpO2 falls below 85 %"),
    Watch(condition="rhythm is not sinus", say="the heart stops (arrest)"),
)
"""What the look-ahead watches in every case, beside the case's own `coach.watch`:
a MAP under 50 mmHg is below the autoregulation of brain and kidney, SpO2 under 85 % is
severe hypoxaemia (BTS guideline for oxygen use in adults, O'Driscoll BR et al. Thorax
2017;72:ii1), and an arrest needs no reference."""
LOOK_STEP_S = 5.0
REPEAT_AFTER_S = 180.0
"""A look-ahead prompt is said again only this long after it was said, or after the
trainee acted."""


@dataclass(frozen=True)
class Prompt:
    """What the coach says: its `rule` ('due:<id>', 'late:<id>', 'ahead:<condition>'),
    `level` (hint or full) and `text`."""

    rule: str
    level: str
    text: str


class Coach:
    """The prompts of one run."""

    def __init__(self, case: Case, mode: Mode) -> None:
        if mode not in MODES:
            raise ValueError(f"coach = {mode!r} is not one of: {', '.join(MODES)}")
        self.case, self.mode = case, mode
        self.said: set[str] = set()
        self.watches = (*DEFAULT_WATCH, *case.coach.watch)
        self.next_look_s = 0.0
        self.acted = False
        self.last_said_s: dict[str, float] = {}

    def rule_prompts(self, timeline: Timeline, now_s: float) -> list[Prompt]:
        """The case's rules: expected actions of the current phase due or overdue."""
        visit = timeline.visits[-1] if timeline.visits else None
        if self.mode == "off" or visit is None:
            return []
        first = timeline.first_visit(visit.phase)
        prompts = []
        for item in self.case.phase(visit.phase).expected:
            if item.action_class not in SCORED_CLASSES:
                continue
            ref = 0.0 if item.relative_to == "case" else first.start_s
            if times_done(item, timeline, ref):
                continue
            start, end = item.window
            if end is None:
                continue
            due_s, late_s = ref + start + (end - start) / 2, ref + end
            if now_s >= due_s and (rule := f"due:{item.id}") not in self.said:
                prompts.append(self._say(rule, self._due_text(item, late_s)))
            if now_s > late_s and (rule := f"late:{item.id}") not in self.said:
                prompts.append(self._say(rule, f"Overdue since {clock(late_s)}: {item.text}."))
        return prompts

    def _due_text(self, item, late_s: float) -> str:
        if self.mode == "hints":
            return item.hint or f"Think about this: {item.text.lower()}."
        order = describe_expected(item)
        return f"{item.text}, due by {clock(late_s)} (e.g. {order})."

    def _say(self, rule: str, text: str) -> Prompt:
        self.said.add(rule)
        return Prompt(rule, "hint" if self.mode == "hints" else "full", text)

    def noticed_action(self) -> None:
        """A trainee acted: look ahead again at once."""
        self.acted = True

    def look_ahead(self, twin: Twin, now_s: float) -> list[Prompt]:
        """The look-ahead (full mode): fork `twin` and run it `coach.horizon` ahead with
        nothing changed; a prompt for each watched condition not met now that would be."""
        if self.mode != "full" or not (self.acted or now_s >= self.next_look_s):
            return []
        after_action, self.acted = self.acted, False
        self.next_look_s = now_s + self.case.coach.every
        arrested = twin.rhythm_name not in PERFUSING_RHYTHMS  # then only the case's watches
        watches = self.case.coach.watch if arrested else self.watches
        pending = {
            w.condition: w
            for w in watches
            if not _holds_now(w, twin)
            and (after_action or now_s - self.last_said_s.get(w.condition, -1e9) >= REPEAT_AFTER_S)
        }
        if not pending:
            return []
        ahead = twin.fork()
        clocks = {text: ConditionClock(parse_condition(text)) for text in pending}
        prompts, elapsed = [], 0.0
        while clocks and elapsed < self.case.coach.horizon:
            ahead.advance(LOOK_STEP_S)
            elapsed += LOOK_STEP_S
            vitals = _vitals(ahead)
            for text, watch_clock in list(clocks.items()):
                watch_clock.update(elapsed, vitals, ahead.rhythm_name)
                if watch_clock.met(elapsed):
                    del clocks[text]
                    prompts.append(self._ahead(pending[text], elapsed, after_action))
                    self.last_said_s[text] = now_s
        return prompts

    def _ahead(self, watch: Watch, seconds: float, after_action: bool) -> Prompt:
        when = f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} minutes"
        lead = "After this action" if after_action else "If nothing changes"
        rule = f"ahead:{watch.condition}"
        self.said.add(rule)
        return Prompt(rule, "full", f"{lead}, {watch.say} in about {when}.")


def _vitals(twin: Twin) -> dict[str, float]:
    vitals = twin.vitals()
    vitals["news2"] = float(news2(vitals).score)
    return vitals


def _holds_now(watch: Watch, twin: Twin) -> bool:
    return parse_condition(watch.condition).holds(_vitals(twin), twin.rhythm_name)
