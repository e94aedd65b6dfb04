"""The case format: what an educator writes in one YAML file, as typed models.

These models say what each key is and what it may hold; the JSON Schema shipped beside
them (`case.schema.json`) is generated from them. What needs the engine or the whole
case to check (an order the parser refuses, a transition to a missing phase, an
unreachable phase, a window that cannot be met, an unknown signal) is checked by
`medtwin.training.checks` after these models have read the file. docs/training.md
explains every key for educators.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from medtwin.monitor_layout import MonitorLayout
from medtwin.training.times import Seconds

ActionClass = Literal["critical", "recommended", "neutral", "unnecessary", "harmful"]
"""How an expected action counts: critical (a gate: must be done in its window),
recommended (scored), neutral (recorded only), unnecessary and harmful (penalised)."""
SCORED_CLASSES = ("critical", "recommended")
PENALISED_CLASSES = ("unnecessary", "harmful")
Audience = Literal["physician", "nurse", "paramedic", "student", "anaesthetist", "team"]
PhysiologyEvent = Literal["arrest", "rosc", "death"]
"""What the physiology does by itself: the heart stops (a perfusing rhythm becomes an
arrest rhythm), the circulation returns, the patient dies (`medtwin.physiology_events`)."""
CASE_FORMAT = "medtwin-case/1"


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Orders = Annotated[
    list[str],
    BeforeValidator(_as_list),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
            "description": "An order, or a list of orders any one of which counts.",
        }
    ),
]
"""One order or a list of alternatives, read as a list."""

Name = Field(min_length=1, pattern=r"^[A-Za-z0-9_-]+$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Objective(_Strict):
    """A learning objective, the weight of its score in the case's total, and the skill
    it trains (the learner model tracks skills across cases; default: the objective's
    id)."""

    id: str = Name
    text: str = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0, le=100)
    skill: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9-]+$",
        description="The skill it trains, shared across cases (e.g. defibrillation).",
    )

    @property
    def skill_name(self) -> str:
        return self.skill or self.id


class PatientSpec(_Strict):
    """Who the patient is: a named patient, a patient file (relative to the case file),
    or the demographics inline; with chronic conditions and parameter overrides."""

    name: str | None = Field(default=None, description="A named patient, e.g. standard-male.")
    file: str | None = Field(default=None, description="A patient YAML file, relative to the case.")
    sex: Literal["male", "female"] | None = None
    age_years: float | None = None
    height_cm: float | None = None
    weight_kg: float | None = None
    conditions: dict[str, float] = Field(default_factory=dict)
    overrides: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_way(self) -> PatientSpec:
        inline = [self.sex, self.age_years, self.height_cm, self.weight_kg]
        ways = [self.name is not None, self.file is not None, any(v is not None for v in inline)]
        if sum(ways) != 1:
            raise ValueError(
                "give the patient one way: name (a named patient), file (a patient YAML "
                "file) or sex, age_years, height_cm and weight_kg"
            )
        if ways[2] and any(v is None for v in inline):
            raise ValueError("an inline patient needs all of sex, age_years, height_cm, weight_kg")
        return self


class ActionPattern(_Strict):
    """Which trainee actions count: each order of `action` stands for the actions of its
    kind with the same named choices (drug, fluid, device, side, site, position, mode);
    numbers count only where `range` bounds them (`range: {dose: [0.5, 1]}`, in the
    order's own unit)."""

    action: Orders
    range: dict[str, tuple[float, float]] = Field(default_factory=dict)


TRIGGER_KEYS = ("after", "at", "condition", "action", "event", "physiology", "phase", "missed")


class Trigger(_Strict):
    """When something happens: exactly one of
    - `after`: a time since the phase was entered (transitions);
    - `at`: a case time;
    - `condition`: a physiological condition, '<signal> <op> <number> [for <time>]' or
      'rhythm is [not] <rhythm> [for <time>]';
    - `action` (with optional `range`): a trainee action (see `ActionPattern`);
    - `event`: an instructor event of the case;
    - `physiology`: arrest, rosc or death, as the physiology makes them;
    - `phase`: a phase was entered (critical errors);
    - `missed`: an expected action was missed or late (critical errors).
    `in_phase` limits a critical error to the time spent in one phase."""

    after: Seconds | None = None
    at: Seconds | None = None
    condition: str | None = None
    action: Orders | None = None
    range: dict[str, tuple[float, float]] = Field(default_factory=dict)
    event: str | None = None
    physiology: PhysiologyEvent | None = None
    phase: str | None = None
    missed: str | None = None
    in_phase: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Trigger:
        given = [key for key in TRIGGER_KEYS if getattr(self, key) is not None]
        if len(given) != 1:
            shown = ", ".join(given) or "none"
            raise ValueError(f"give exactly one of {', '.join(TRIGGER_KEYS)} (given: {shown})")
        if self.range and self.action is None:
            raise ValueError("range bounds the numbers of an action: give it with action")
        return self

    @property
    def key(self) -> str:
        """Which of the trigger keys this trigger uses."""
        return next(key for key in TRIGGER_KEYS if getattr(self, key) is not None)

    def pattern(self) -> ActionPattern:
        assert self.action is not None
        return ActionPattern(action=self.action, range=self.range)


class Transition(_Strict):
    """Go to phase `to` when `when` fires (transitions are tried in the order given)."""

    to: str
    when: Trigger


class Callout(_Strict):
    """A call-out the team is expected to make in its text channel: a message holding
    every one of `words` (whole words, any case) within `within` of the phase's start
    (closed-loop communication: 'VF, shocking at 200 J')."""

    words: list[Annotated[str, Field(min_length=1, pattern=r"\w")]] = Field(min_length=1)
    within: Seconds


class ExpectedAction(_Strict):
    """An action the case expects (or does not want) in a phase: an order (`action`) or a
    call-out (`callout`, whose `within` is its window).

    `window` is [start, end] after the phase was entered (or after the case started with
    `relative_to: case`); `end` null leaves it open to the end of the phase (of the case,
    with `relative_to: case`). `points`
    weigh it within its objective; an unnecessary or harmful action loses its points
    each time it is done within the window."""

    id: str = Name
    text: str = Field(min_length=1)
    action: Orders | None = None
    callout: Callout | None = None
    range: dict[str, tuple[float, float]] = Field(default_factory=dict)
    window: tuple[Seconds, Seconds | None] = (0.0, None)
    relative_to: Literal["phase", "case"] = "phase"
    action_class: ActionClass = Field(alias="class")
    objective: str | None = None
    points: float = Field(default=1.0, gt=0, le=100)
    hint: str | None = Field(default=None, description="What the coach says when it is due.")

    @model_validator(mode="before")
    @classmethod
    def _callout_window(cls, data: Any) -> Any:
        # a call-out's window is its `within`, so that it is scored like any action
        callout = data.get("callout") if isinstance(data, dict) else None
        if isinstance(callout, dict) and "within" in callout and "window" not in data:
            return {**data, "window": (0.0, callout["within"])}
        return data

    @model_validator(mode="after")
    def _order_or_callout(self) -> ExpectedAction:
        if (self.action is None) == (self.callout is None):
            raise ValueError("give either action (orders) or callout (words said), not both")
        if self.callout is not None:
            if self.window != (0.0, self.callout.within):
                raise ValueError("a call-out's window is its within: leave out window")
            if self.range:
                raise ValueError("range bounds the numbers of an action, not of a call-out")
        return self

    def pattern(self) -> ActionPattern:
        assert self.action is not None
        return ActionPattern(action=self.action, range=self.range)


class Phase(_Strict):
    """One state of the case: what happens on entering it, what is expected in it, and
    where it leads. An `end` phase ends the case when it is entered."""

    name: str = Name
    text: str = ""
    on_enter: list[str] = Field(default_factory=list, description="Orders given on entering.")
    expected: list[ExpectedAction] = Field(default_factory=list)
    transitions: list[Transition] = Field(default_factory=list)
    end: bool = False
    outcome: Literal["good", "bad"] | None = Field(
        default=None, description="How an end phase ended the case, for the debrief."
    )


class CriticalError(_Strict):
    """Something that fails the case whatever the score (a gate)."""

    id: str = Name
    text: str = Field(min_length=1)
    when: Trigger
    objective: str | None = None


class InstructorEvent(_Strict):
    """Something the instructor (or a script) can make happen: a named event that
    transitions and critical errors can wait for."""

    name: str = Name
    text: str = ""


class Scoring(_Strict):
    """`pass_score`: the least weighted score (0-1) that passes, besides the gates;
    `late_credit`: the share of its points an action done late or early earns."""

    pass_score: float = Field(default=0.6, ge=0, le=1)
    late_credit: float = Field(default=0.5, ge=0, le=1)


class DebriefPoint(_Strict):
    """A teaching point for the debrief; with `about` (an expected action or critical
    error id) it is marked when that action was missed or late, or that error made."""

    text: str = Field(min_length=1)
    about: str | None = None


class Watch(_Strict):
    """A condition the look-ahead coach watches for, and how it names it."""

    condition: str
    say: str = Field(min_length=1, description="e.g. 'MAP falls below 50 mmHg'")


class Coach(_Strict):
    """The model-based coach: every `every` it forks the twin and runs it `horizon` ahead
    with nothing changed, and says when a watched condition would be met."""

    watch: list[Watch] = Field(default_factory=list)
    horizon: Seconds = 300.0
    every: Seconds = 60.0


class ScriptEntry(_Strict):
    """One step of a scripted trainee: an order, a call-out to the team (`say`) or an
    instructor event, at a case time (`at`), or `after` a time in a phase the first
    time it is entered (`phase`)."""

    at: Seconds | None = None
    phase: str | None = None
    after: Seconds = 0.0
    order: str | None = None
    say: str | None = Field(default=None, min_length=1)
    event: str | None = None

    @model_validator(mode="after")
    def _what_and_when(self) -> ScriptEntry:
        if (self.at is None) == (self.phase is None):
            raise ValueError("give either at (a case time) or phase (with after)")
        if self.at is not None and self.after:
            raise ValueError("after counts from a phase's start: give it with phase, not at")
        if [self.order, self.say, self.event].count(None) != 2:
            raise ValueError(
                "give one of order (a trainee's order), say (a trainee's call-out) or "
                "event (an instructor event)"
            )
        return self


class Outcome(_Strict):
    """What a script's run must give: the bundled tests assert it."""

    passes: bool
    alive: bool | None = None
    critical_errors: list[str] = Field(
        default_factory=list,
        description="The gate failures expected: critical error ids, and missed critical "
        "actions as 'missed:<id>'.",
    )


class Script(_Strict):
    """A scripted trainee: the orders and instructor events of a whole run."""

    description: str = ""
    expect: Outcome | None = None
    actions: list[ScriptEntry] = Field(default_factory=list)


class Case(_Strict):
    """One executable training case."""

    format: Literal["medtwin-case/1"] = CASE_FORMAT
    name: str = Name
    title: str = Field(min_length=1)
    summary: str = ""
    objectives: list[Objective] = Field(min_length=1)
    audience: list[Audience] = Field(min_length=1)
    difficulty: int = Field(ge=1, le=5, description="1 (novice) to 5 (expert)")
    tags: list[str] = Field(default_factory=list)
    guidelines: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)
    duration: Seconds = Field(description="The longest the case runs.")
    seed: int = Field(default=0, ge=0)
    patient: PatientSpec
    history: str = ""
    handover: str = ""
    start: list[str] = Field(default_factory=list, description="Insults given at time 0.")
    instructor_events: list[InstructorEvent] = Field(default_factory=list)
    phases: list[Phase] = Field(min_length=1, description="The first is where the case starts.")
    critical_errors: list[CriticalError] = Field(default_factory=list)
    scoring: Scoring = Scoring()
    debrief: list[DebriefPoint] = Field(default_factory=list)
    coach: Coach = Coach()
    monitor: MonitorLayout | None = Field(
        default=None,
        description="What the live room's monitor shows in this case (its waveforms and "
        "numerics, in order); the instructor may set another layout per role.",
    )
    trainees: dict[str, Script] = Field(
        default_factory=dict, description="Scripted trainees by name: best and worst at least."
    )

    def phase(self, name: str) -> Phase:
        return next(phase for phase in self.phases if phase.name == name)

    def expected_actions(self) -> list[tuple[Phase, ExpectedAction]]:
        """Every expected action with its phase, in file order."""
        return [(phase, item) for phase in self.phases for item in phase.expected]
