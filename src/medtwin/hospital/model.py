"""The hospital model as data: what a YAML model file holds, validated as it is built.

A model has a run (length and warm-up), an arrival profile, patient classes with their
routing between activities, activities with a resource and a service-time distribution,
resources with counts, shifts that change counts at clock hours, and the KPIs to report.
Times are minutes. `HospitalModel` checks every cross-reference (a route to an unknown
activity, probabilities that do not add up to 1, a KPI about an unknown resource) so a
simulation can trust it.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from medtwin.hospital.arrivals import hourly_rates
from medtwin.hospital.distributions import Duration

EXIT = "exit"
"""The routing target that means the patient leaves."""
PROBABILITY_TOLERANCE = 1e-9
MAX_EXPECTED_ARRIVALS = 10_000_000
MAX_RUN_MIN = 366 * 24 * 60.0
"""A replication of at most a (leap) year: longer runs are a unit mistake."""
Minutes = Annotated[float, Field(allow_inf_nan=False)]
Probability = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
ClockHour = Annotated[int, Field(ge=0, le=23)]
Measure = Literal[
    "arrivals", "throughput", "mean_wait", "mean_queue_length", "utilisation",
    "started_work_fraction", "mean_time_in_system",
]  # fmt: skip
NEEDS = {
    "mean_wait": "activity",
    "mean_queue_length": "activity",
    "utilisation": "resource",
    "started_work_fraction": "resource",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class RunSettings(_Strict):
    """How long one replication runs, and how much of its start is not counted."""

    length_min: Minutes = Field(gt=0, le=MAX_RUN_MIN)
    warm_up_min: Minutes = Field(0.0, ge=0)

    @model_validator(mode="after")
    def _warm_up_inside_run(self) -> RunSettings:
        if self.warm_up_min >= self.length_min:
            raise ValueError(
                f"warm_up_min {self.warm_up_min:g} must be shorter than length_min "
                f"{self.length_min:g}"
            )
        return self


class Arrivals(_Strict):
    """Arrivals per hour from the clock hour `start_hour` (the run starts then)."""

    start_hour: ClockHour
    rates_per_hour: list[Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(min_length=1)
    after_profile: Literal["repeat", "none"] = "none"
    profile: str | None = None
    """The CSV the rates were read from, for the record."""


class PatientClass(_Strict):
    """A kind of patient: its share of arrivals and its route through the activities.

    `routing` maps an activity to the next one, or to a mapping of next activities to
    branch probabilities; `exit` is leaving.
    """

    probability: Probability
    start: str
    routing: dict[str, str | dict[str, Probability]]


class Activity(_Strict):
    """A step of care: the resource it holds and how long it holds it."""

    resource: str
    duration: Duration


class Resource(_Strict):
    """Staff, rooms or beds: how many there are at the start of the run."""

    count: int | Literal["unlimited"]

    @field_validator("count", mode="before")
    @classmethod
    def _whole_or_unlimited(cls, value: object) -> object:
        whole = isinstance(value, int) and not isinstance(value, bool) and value >= 1
        if not whole and value != "unlimited":
            raise ValueError(f"count {value!r} must be a whole number of 1 or more, or 'unlimited'")
        return value

    @property
    def capacity(self) -> float:
        return math.inf if self.count == "unlimited" else float(self.count)


class Kpi(_Strict):
    """One output column: a measure, and the activity, resource or class it is about."""

    measure: Measure
    activity: str | None = None
    resource: str | None = None
    class_name: str | None = Field(None, alias="class")


class HospitalModel(_Strict):
    """A validated hospital model. Build it with `medtwin.hospital.load_model`."""

    name: str
    title: str = ""
    sources: list[str] = []
    run: RunSettings
    arrivals: Arrivals
    classes: dict[str, PatientClass] = Field(min_length=1)
    activities: dict[str, Activity] = Field(min_length=1)
    resources: dict[str, Resource] = Field(min_length=1)
    shifts: dict[str, dict[ClockHour, Annotated[int, Field(ge=0)]]] = {}
    """Resource counts by clock hour: from each listed hour (every day) the count is that."""
    kpis: dict[str, Kpi] = {}

    @model_validator(mode="after")
    def _references_are_known(self) -> HospitalModel:
        _check_names(self)
        _check_classes(self)
        for name, activity in self.activities.items():
            _known(f"activities.{name}.resource", activity.resource, self.resources)
        for name in self.shifts:
            _known(f"shifts.{name}", name, self.resources)
        for name, kpi in self.kpis.items():
            _check_kpi(self, name, kpi)
        _check_arrival_volume(self)
        if not self.kpis:
            object.__setattr__(self, "kpis", default_kpis(self))
        return self

    @property
    def hourly_arrival_rates(self):
        """Arrivals per hour for each hour of the run (the profile repeated or ended)."""
        return hourly_rates(
            self.arrivals.rates_per_hour,
            self.run.length_min,
            repeat=self.arrivals.after_profile == "repeat",
        )


def default_kpis(model: HospitalModel) -> dict[str, Kpi]:
    """Without a `kpis` section: arrivals, each wait and utilisation, time in system, throughput."""
    kpis = {"arrivals": Kpi(measure="arrivals")}
    kpis |= {f"{a}_wait": Kpi(measure="mean_wait", activity=a) for a in model.activities}
    kpis |= {f"{r}_util": Kpi(measure="utilisation", resource=r) for r in model.resources}
    kpis |= {
        f"total_time_{c}": Kpi(measure="mean_time_in_system", class_name=c) for c in model.classes
    }
    kpis["throughput"] = Kpi(measure="throughput")
    return kpis


def _known(field: str, value: str, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{field}: {value!r} is not defined; defined: {', '.join(allowed)}")


def _check_names(model: HospitalModel) -> None:
    if EXIT in model.activities:
        raise ValueError(f"activities: {EXIT!r} is reserved for leaving; rename that activity")
    for section in ("activities", "resources", "classes", "kpis"):
        for name in getattr(model, section):
            if not name.isidentifier():
                raise ValueError(
                    f"{section}: name {name!r} must be letters, digits and underscores, "
                    "not starting with a digit"
                )


def _check_classes(model: HospitalModel) -> None:
    total = sum(c.probability for c in model.classes.values())
    if abs(total - 1.0) > PROBABILITY_TOLERANCE:
        raise ValueError(f"classes: probabilities add up to {total:.10g}; they must add up to 1")
    for name, patient_class in model.classes.items():
        _check_routing(model, f"classes.{name}", patient_class)


def _check_routing(model: HospitalModel, field: str, patient_class: PatientClass) -> None:
    """Every reached activity exists and has a route, branches add to 1, and exit is reachable."""
    _known(f"{field}.start", patient_class.start, model.activities)
    successors: dict[str, list[str]] = {}
    for activity, route in patient_class.routing.items():
        _known(f"{field}.routing", activity, model.activities)
        targets = {route: 1.0} if isinstance(route, str) else route
        if not targets:
            raise ValueError(f"{field}.routing.{activity}: no next step; give one or 'exit'")
        total = sum(targets.values())
        if abs(total - 1.0) > PROBABILITY_TOLERANCE:
            raise ValueError(
                f"{field}.routing.{activity}: branch probabilities add up to {total:.10g}; "
                "they must add up to 1"
            )
        for target in targets:
            if target != EXIT:
                _known(f"{field}.routing.{activity}", target, model.activities)
        successors[activity] = [t for t, p in targets.items() if p > 0]
    reached, frontier = set(), [patient_class.start]
    while frontier:
        activity = frontier.pop()
        if activity in reached or activity == EXIT:
            continue
        if activity not in successors:
            raise ValueError(f"{field}.routing: activity {activity!r} is reached but has no route")
        reached.add(activity)
        frontier.extend(successors[activity])
    leaves = {a for a in reached if EXIT in successors[a]}
    changed = True
    while changed:
        before = len(leaves)
        leaves |= {a for a in reached if any(t in leaves for t in successors[a])}
        changed = len(leaves) != before
    if reached - leaves:
        raise ValueError(
            f"{field}.routing: from {', '.join(sorted(reached - leaves))} a patient can never "
            "reach 'exit'"
        )


def _check_kpi(model: HospitalModel, name: str, kpi: Kpi) -> None:
    field = f"kpis.{name}"
    needed = NEEDS.get(kpi.measure)
    for key, section in (("activity", "activities"), ("resource", "resources")):
        value = getattr(kpi, key)
        if needed == key and value is None:
            raise ValueError(f"{field}: measure {kpi.measure!r} needs a {key}")
        if value is not None and needed != key:
            raise ValueError(f"{field}: measure {kpi.measure!r} does not take a {key}")
        if value is not None:
            _known(f"{field}.{key}", value, getattr(model, section))
    if kpi.class_name is not None:
        if needed is not None:
            raise ValueError(f"{field}: measure {kpi.measure!r} does not take a class")
        _known(f"{field}.class", kpi.class_name, model.classes)


def _check_arrival_volume(model: HospitalModel) -> None:
    expected = float(model.hourly_arrival_rates.sum())
    if expected > MAX_EXPECTED_ARRIVALS:
        raise ValueError(
            f"arrivals: about {expected:.3g} patients per replication; at most "
            f"{MAX_EXPECTED_ARRIVALS:,} are simulated"
        )
