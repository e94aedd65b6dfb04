"""Run a case headless on a twin with a scripted trainee, writing its run log.

The run advances the twin one tick (1 s of case time) at a time. Each tick it logs
what the twin did (the trainee's and the case's orders, the scheduled ends, the
physiology's arrests, returns of circulation and death), reads the vitals for the
case's conditions, gives the script's orders that are due (at a case time, or a time
after a phase was first entered), fires the current phase's first transition whose
trigger holds (giving the orders on entering the next phase), lets the coach speak and
keeps an observation every `OBSERVE_EVERY_S`. The run ends at the case's duration or
on entering an end phase. Same case, script and seed: the same log, bit for bit.

`CaseRun.fork()` copies a run at its current moment (the twin forks itself from its
snapshot) so a what-if can go on differently from there.
"""

from __future__ import annotations

import copy
import heapq
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from medtwin.actions import ActionError
from medtwin.training.coach import Coach, Mode
from medtwin.training.conditions import ConditionClock, parse_condition
from medtwin.training.loading import LoadedCase
from medtwin.training.model import Script, ScriptEntry, Trigger
from medtwin.training.news2 import news2
from medtwin.training.runlog import OBSERVED, Entry, RunLog, action_entry
from medtwin.training.timeline import Timeline
from medtwin.training.triggers import EPSILON_S, fired

if TYPE_CHECKING:
    from medtwin.twin import Twin

CASE = "case"
"""The source of the case's own orders (its starting insults, its phases' orders)."""
TRAINEE = "trainee"
"""The source of a trainee's action in the run log (its `by` names who, in a live room)."""
TICK_S = 1.0
"""Case time between two readings of the triggers (their resolution)."""
OBSERVE_EVERY_S = 2.0
"""Case time between two observations in the log (the debrief's timeline)."""


@dataclass(frozen=True)
class RunResult:
    """A finished run: its case, its log and the twin at its end."""

    loaded: LoadedCase
    log: RunLog
    twin: object


class CaseRun:
    """One run of a case, advanced tick by tick."""

    def __init__(
        self,
        loaded: LoadedCase,
        script: Script,
        trainee: str = "script",
        coach: Mode = "off",
        twin: Twin | None = None,
        is_trainee: Callable[[str], bool] = TRAINEE.__eq__,
    ) -> None:
        """A run on a new twin of the case's patient, or on `twin` (a live session's,
        at its start); `is_trainee` says which event sources are the trainees (a live
        session's participants), whose actions are scored."""
        from medtwin.twin import Twin

        self.loaded, self.case, self.script, self.trainee = loaded, loaded.case, script, trainee
        self.twin = twin or Twin(loaded.patient, seed=self.case.seed, waveform_seconds=0)
        self.is_trainee = is_trainee
        self.log, self.timeline, self.coach = RunLog(), Timeline(), Coach(self.case, coach)
        texts = {w.condition for w in _triggers(self.case) if w.condition is not None}
        self.clocks = {text: ConditionClock(parse_condition(text)) for text in texts}
        self.error_conditions = {
            e.when.condition for e in self.case.critical_errors if e.when.condition is not None
        }
        self._met: set[str] = set()
        self._wants_news2 = any(c.condition.signal == "news2" for c in self.clocks.values())
        self._pending: list[tuple[float, int, ScriptEntry]] = []
        self._sequence = 0
        self._seen_events = 0
        self._entered: set[str] = set()
        self._next_observation_s = 0.0
        self.started = self.finished = False

    @property
    def now_s(self) -> float:
        return self.twin.time_s

    # --- running -------------------------------------------------------------------
    def start(self) -> None:
        """Log the start, give the starting insults and enter the first phase."""
        self.started = True
        self.log.add(
            "start",
            0.0,
            case=self.case.name,
            case_label=self.loaded.label,
            case_sha256=self.loaded.sha256,
            trainee=self.trainee,
            coach=self.coach.mode,
            seed=self.case.seed,
            patient=self.loaded.patient.name,
        )
        for entry in self.script.actions:
            if entry.at is not None:
                self._queue(entry.at, entry)
        for order in self.case.start:
            self.twin.apply(order, source=CASE)
        self._collect()
        self._observe(self._vitals())
        self._enter(self.case.phases[0].name, "start")
        self._settle()

    def run(self, until_s: float | None = None) -> RunResult:
        """Run to `until_s` of case time (or to the end), and return the run so far."""
        if not self.started:
            self.start()
        limit = self.case.duration if until_s is None else min(until_s, self.case.duration)
        while not self.finished and self.now_s < limit - EPSILON_S:
            self.tick(min(TICK_S, limit - self.now_s))
        return RunResult(self.loaded, self.log, self.twin)

    def tick(self, seconds: float = TICK_S) -> None:
        """Advance `seconds` and do what this moment calls for."""
        self.twin.advance(seconds)
        self.react()

    def react(self) -> None:
        """Do what this moment calls for: log the twin's new events, read the triggers,
        fire transitions, let the coach speak, observe (a live session calls this at
        every whole second; `tick` after advancing)."""
        self._collect()
        vitals = self._vitals()
        for condition_clock in self.clocks.values():
            condition_clock.update(self.now_s, vitals, self.twin.rhythm_name)
        self._log_error_conditions()
        self._settle()
        if self.finished:
            return
        for prompt in [
            *self.coach.rule_prompts(self.timeline, self.now_s),
            *self.coach.look_ahead(self.twin, self.now_s),
        ]:
            self.log.add(
                "prompt", self.now_s, rule=prompt.rule, level=prompt.level, text=prompt.text
            )
        if self.now_s >= self._next_observation_s - EPSILON_S:
            self._observe(vitals)
        if self.now_s >= self.case.duration - EPSILON_S:
            self._finish("the case's duration", None)

    def give(self, order: str, note: str | None = None) -> None:
        """Give a trainee's order now (a what-if's changed action)."""
        self._give_order(order, note)
        self._settle()

    def noticed(self) -> None:
        """Take in what was given to the twin from outside the run (a live session's
        orders) and do what follows from it now."""
        if not self.finished:
            self._collect()
            self._settle()

    def check_event(self, name: str) -> None:
        """A ValueError unless `name` is one of the case's instructor events."""
        if name not in {event.name for event in self.case.instructor_events}:
            known = ", ".join(event.name for event in self.case.instructor_events) or "none"
            raise ValueError(f"event = {name!r} is not one of this case's events ({known})")

    def fire(self, name: str) -> None:
        """Make the instructor event `name` happen now."""
        self.check_event(name)
        if not self.finished:
            self.timeline.take(self.log.add("event", self.now_s, name=name))
            self._settle()

    def said(self, author: str, text: str) -> None:
        """Log a trainee's call-out to the team now (`author`: who said it), for the
        case's expected call-outs."""
        if not self.finished:
            self.timeline.take(self.log.add("callout", self.now_s, author=author, text=text))

    def finish(self, reason: str) -> None:
        """End the run now, before its case would (a live session ended early)."""
        self._collect()
        self._finish(reason, None)

    def drop_pending(self) -> None:
        """Forget the script's orders still to come (and those of phases not yet entered)."""
        self._pending.clear()
        self._entered |= {phase.name for phase in self.case.phases}

    def fork(self) -> CaseRun:
        """An independent copy of this run at this moment."""
        shared = {
            id(self.loaded): self.loaded,
            id(self.case): self.case,
            id(self.script): self.script,
            id(self.twin): None,
        }
        clone = copy.deepcopy(self, memo=shared)
        clone.twin = self.twin.fork()
        return clone

    # --- what happens in a tick ------------------------------------------------------
    def _settle(self) -> None:
        """Give what is due and fire transitions until nothing more happens now."""
        for _ in range(10 * (len(self.case.phases) + len(self.script.actions)) + 10):
            if self.finished or not (self._give_due() | self._transit()):
                return

    def _give_due(self) -> bool:
        gave = False
        while self._pending and self._pending[0][0] <= self.now_s + EPSILON_S:
            _, _, entry = heapq.heappop(self._pending)
            gave = True
            if entry.order is not None:
                self._give_order(entry.order, None)
            elif entry.say is not None:
                self.said(TRAINEE, entry.say)
            else:
                self.timeline.take(self.log.add("event", self.now_s, name=entry.event))
        return gave

    def _give_order(self, order: str, note: str | None) -> None:
        try:
            self.twin.apply(order, source=TRAINEE, note=note)
        except ActionError as error:
            self.log.add("refused", self.now_s, order=order, reason="; ".join(error.problems))
        self._collect()

    def _transit(self) -> bool:
        moved = False
        for _ in range(len(self.case.phases) + 1):
            visit = self.timeline.visits[-1]
            transition = next(
                (
                    t
                    for t in self.case.phase(visit.phase).transitions
                    if fired(t.when, self.timeline, visit.start_s, self.now_s, self.clocks)
                ),
                None,
            )
            if transition is None or self.finished:
                return moved
            self._enter(transition.to, describe(transition.when))
            moved = True
        return moved

    def _enter(self, name: str, why: str) -> None:
        self.timeline.take(self.log.add("phase", self.now_s, phase=name, trigger=why))
        phase = self.case.phase(name)
        for order in phase.on_enter:
            self.twin.apply(order, source=CASE)
        self._collect()
        if name not in self._entered:
            self._entered.add(name)
            for entry in self.script.actions:
                if entry.phase == name:
                    self._queue(self.now_s + entry.after, entry)
        if phase.end:
            self._finish(f"phase {name}", phase.outcome)

    def _queue(self, due_s: float, entry: ScriptEntry) -> None:
        heapq.heappush(self._pending, (due_s, self._sequence, entry))
        self._sequence += 1

    def _collect(self) -> None:
        """Log the twin's events not yet logged."""
        events = self.twin.events
        while self._seen_events < len(events):
            event = events[self._seen_events]
            self._seen_events += 1
            entry = action_entry(event)
            if self.is_trainee(event.source):
                self.coach.noticed_action()
                if event.source != TRAINEE:
                    data = {**entry.data, "source": TRAINEE, "by": event.source}
                    entry = Entry(entry.type, entry.time_s, data)
            self.timeline.take(entry)
            self.log.append(entry)

    def _vitals(self) -> dict[str, float]:
        vitals = self.twin.vitals()
        if self._wants_news2:
            vitals["news2"] = float(news2(vitals).score)
        return vitals

    def _log_error_conditions(self) -> None:
        for text in self.error_conditions:
            met = self.clocks[text].met(self.now_s)
            if met and text not in self._met:
                self.timeline.take(self.log.add("condition", self.now_s, condition=text))
            self._met = (self._met | {text}) if met else (self._met - {text})

    def _observe(self, vitals: dict[str, float]) -> None:
        score = news2(vitals)
        values = {name: _rounded(vitals.get(name, math.nan)) for name in OBSERVED}
        self.log.add(
            "observation", self.now_s, **values, rhythm=self.twin.rhythm_name, news2=score.score
        )
        self._next_observation_s = self.now_s + OBSERVE_EVERY_S

    def _finish(self, reason: str, outcome: str | None) -> None:
        if self.finished:
            return
        self._observe(self._vitals())
        alive = not self.timeline.died
        self.timeline.take(
            self.log.add("end", self.now_s, reason=reason, outcome=outcome, alive=alive)
        )
        self.finished = True


def _rounded(value: float) -> float:
    return value if math.isnan(value) else float(f"{value:.4g}")


def _triggers(case) -> Iterable[Trigger]:
    for phase in case.phases:
        for transition in phase.transitions:
            yield transition.when
    for error in case.critical_errors:
        yield error.when


def describe(when: Trigger) -> str:
    """A trigger as the log shows it, e.g. 'physiology: rosc'."""
    value = getattr(when, when.key)
    if when.key in ("after", "at"):
        value = f"{value:g} s"
    elif isinstance(value, list):
        value = " or ".join(value)
    return f"{when.key}: {value}"


def run_case(
    loaded: LoadedCase, script: Script, trainee: str = "script", coach: Mode = "off"
) -> RunResult:
    """Run `loaded` with `script` to its end."""
    return CaseRun(loaded, script, trainee, coach).run()


def script_from_log(log: RunLog) -> Script:
    """The trainee's orders and call-outs and the instructor's events of a run, at their
    times: a script that plays the run again."""
    entries = []
    for entry in log:
        trainee = entry.type == "action" and entry["source"] == "trainee"
        if trainee or entry.type == "refused":
            entries.append(ScriptEntry(at=entry.time_s, order=entry["order"]))
        elif entry.type == "callout":
            entries.append(ScriptEntry(at=entry.time_s, say=entry["text"]))
        elif entry.type == "event":
            entries.append(ScriptEntry(at=entry.time_s, event=entry["name"]))
    return Script(description=f"replay of {log.start['trainee']}", actions=entries)
