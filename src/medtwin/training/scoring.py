"""Score a run from its log alone: gates, time to action, objectives, penalties.

- An expected action is due when its phase was entered (its first visit) and its window
  opened while the phase lasted (or, `relative_to: case`, from the case's start). Its
  result is the first matching trainee action from the window's reference on: on time
  inside the window, early before it, late after it, missed if none; time to action is
  counted from the reference. An expected call-out is met by the first trainee's message
  with its words (`matching.heard`), in the window its `within` gives.
- Critical actions and critical errors are gates: a critical action missed or late,
  or a critical error made, fails the run whatever its score.
- Each objective scores its due critical and recommended actions (points times credit:
  1 on time, `late_credit` early or late, 0 missed), less the points of every
  unnecessary or harmful action done in its window, over the points it could earn,
  kept within 0-1. The total is the objectives' weighted mean; it passes at
  `pass_score` or more, with every gate passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from medtwin.training.matching import heard, times_done
from medtwin.training.model import PENALISED_CLASSES, SCORED_CLASSES, Case, ExpectedAction, Phase
from medtwin.training.runlog import RunLog
from medtwin.training.timeline import Timeline
from medtwin.training.triggers import EPSILON_S, first_time


@dataclass(frozen=True)
class ActionResult:
    """How one expected action went."""

    item: ExpectedAction
    phase: str
    objective: str
    status: str
    """on time, early, late, missed, not due (its window never opened), done (a neutral
    action given), not done (a neutral action not given), penalised (an unnecessary or
    harmful action given), avoided (one not given)."""
    reference_s: float | None = None
    window_s: tuple[float, float | None] | None = None
    time_s: float | None = None
    count: int = 0
    credit: float = 0.0

    @property
    def time_to_action_s(self) -> float | None:
        if self.time_s is None or self.reference_s is None:
            return None
        return self.time_s - self.reference_s


@dataclass(frozen=True)
class ErrorResult:
    id: str
    text: str
    time_s: float | None


@dataclass(frozen=True)
class ObjectiveScore:
    id: str
    text: str
    weight: float
    earned: float
    penalty: float
    possible: float

    @property
    def score(self) -> float | None:
        if self.possible <= 0:
            return None
        return min(max((self.earned - self.penalty) / self.possible, 0.0), 1.0)


@dataclass(frozen=True)
class Score:
    """The whole judgement of a run."""

    actions: tuple[ActionResult, ...]
    errors: tuple[ErrorResult, ...]
    objectives: tuple[ObjectiveScore, ...]
    total: float
    pass_score: float
    alive: bool
    outcome: str | None
    gate_failures: tuple[str, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return not self.gate_failures and self.total >= self.pass_score - 1e-12


def score_run(case: Case, log: RunLog) -> Score:
    """Score `log` against `case` (which may have changed since the run)."""
    timeline = Timeline.from_log(log)
    end_s = timeline.end_s if timeline.end_s is not None else log.entries[-1].time_s
    actions = tuple(
        _result(case, phase, item, timeline, end_s) for phase, item in case.expected_actions()
    )
    by_id = {result.item.id: result for result in actions}
    errors = tuple(
        ErrorResult(error.id, error.text, time_s)
        for error in case.critical_errors
        if (time_s := _error_time(error.when, timeline, by_id, end_s)) is not None
    )
    objectives = tuple(_objective(case, objective, actions) for objective in case.objectives)
    scored = [o for o in objectives if o.score is not None]
    weight = sum(o.weight for o in scored)
    total = sum(o.weight * o.score for o in scored) / weight if weight else 0.0
    failures = [e.id for e in errors]
    failures += [
        f"{'missed' if r.status == 'missed' else 'late'}:{r.item.id}"
        for r in actions
        if r.item.action_class == "critical" and r.status in ("missed", "late")
    ]
    return Score(
        actions,
        errors,
        objectives,
        total,
        case.scoring.pass_score,
        alive=not timeline.died,
        outcome=timeline.outcome,
        gate_failures=tuple(failures),
    )


def _objective_of(case: Case, item: ExpectedAction) -> str:
    return item.objective or case.objectives[0].id


def _result(
    case: Case, phase: Phase, item: ExpectedAction, timeline: Timeline, end_s: float
) -> ActionResult:
    objective = _objective_of(case, item)
    visit = timeline.first_visit(phase.name)
    if visit is None:
        return ActionResult(item, phase.name, objective, "not due")
    reference = 0.0 if item.relative_to == "case" else visit.start_s
    start, end = (
        reference + item.window[0],
        None if item.window[1] is None else reference + item.window[1],
    )
    stay_end = visit.end_s if visit.end_s is not None else end_s
    opens = max(start, visit.start_s) if item.relative_to == "case" else start
    window = (start, end)
    if opens > stay_end + EPSILON_S:
        return ActionResult(item, phase.name, objective, "not due", reference, window)
    done = times_done(item, timeline, reference - EPSILON_S)
    if item.action_class in PENALISED_CLASSES:
        open_end = end_s if item.relative_to == "case" else stay_end
        close = open_end if end is None else end
        inside = [t for t in done if start - EPSILON_S <= t <= close + EPSILON_S]
        status = "penalised" if inside else "avoided"
        return ActionResult(
            item,
            phase.name,
            objective,
            status,
            reference,
            window,
            inside[0] if inside else None,
            len(inside),
        )
    if item.action_class == "neutral":
        return ActionResult(
            item,
            phase.name,
            objective,
            "done" if done else "not done",
            reference,
            window,
            done[0] if done else None,
            len(done),
        )
    if not done:
        return ActionResult(item, phase.name, objective, "missed", reference, window)
    first = done[0]
    if first < start - EPSILON_S:
        status, credit = "early", case.scoring.late_credit
    elif end is not None and first > end + EPSILON_S:
        status, credit = "late", case.scoring.late_credit
    else:
        status, credit = "on time", 1.0
    return ActionResult(
        item, phase.name, objective, status, reference, window, first, len(done), credit
    )


def _error_time(
    when, timeline: Timeline, results: dict[str, ActionResult], end_s: float
) -> float | None:
    if when.missed is not None:
        result = results[when.missed]
        if result.status == "missed" and result.window_s is not None:
            return result.window_s[1] if result.window_s[1] is not None else end_s
        return result.time_s if result.status == "late" else None
    time_s = first_time(when, timeline, 0.0, end_s)
    if when.in_phase is None:
        return time_s
    # the first time it fired while in the phase
    for visit in (v for v in timeline.visits if v.phase == when.in_phase):
        inside = first_time(
            when, timeline, visit.start_s, visit.end_s if visit.end_s is not None else end_s
        )
        if inside is not None and visit.holds(inside):
            return inside
    return None


def _objective(case: Case, objective, actions: tuple[ActionResult, ...]) -> ObjectiveScore:
    mine = [r for r in actions if r.objective == objective.id]
    due = [r for r in mine if r.item.action_class in SCORED_CLASSES and r.status != "not due"]
    earned = sum(r.item.points * r.credit for r in due)
    possible = sum(r.item.points for r in due)
    penalty = sum(r.item.points * r.count for r in mine if r.status == "penalised")
    return ObjectiveScore(objective.id, objective.text, objective.weight, earned, penalty, possible)


def callout_rows(log: RunLog, score: Score) -> list[dict]:
    """Every trainee's call-out of the run (time_s, author, text) with the ids and texts
    of the expected call-outs it met (`met`: those it was the first to satisfy)."""
    met_by = [r for r in score.actions if r.item.callout is not None and r.time_s is not None]
    rows = []
    for entry in log.of("callout"):
        met = [
            {"id": r.item.id, "text": r.item.text, "status": r.status}
            for r in met_by
            if abs(r.time_s - entry.time_s) <= EPSILON_S
            and heard(r.item.callout.words, entry["text"])
        ]
        rows.append({"time_s": entry.time_s, "author": entry["author"], "text": entry["text"],
                     "met": met})  # fmt: skip
    return rows
