"""TRIAL.yaml: an in-silico trial's cohort, arms (one protocol each) and outcomes.

Two kinds, told apart by `twin`:

```yaml
name: controllers-t1d
twin: glucose
seed: 1
cohort: {patients: all}          # or {generated: 100, group: adult}
arms:
  - {name: basal-bolus, controller: basal-bolus}
  - {name: pid, controller: pid, announce_meals: false}
meals: random                    # or "7:00 45g, 12:00 70g, 18:00 80g"
days: 1
outcomes: [time_in_range_70_180_percent, lbgi]
reference_arm: basal-bolus       # compared with the others (default: the first arm)
```

```yaml
name: vasopressors-post-induction
twin: cardiopulmonary
seed: 1
cohort: {generated: 1000, age_range: [18, 90]}
duration_min: 30
at_start: ["propofol 2 mg/kg IV bolus"]
arms:
  - {name: phenylephrine, vasopressor: "phenylephrine 100 mcg IV bolus"}
  - {name: ephedrine, vasopressor: "ephedrine 10 mg IV bolus"}
rescue: {when_map_below_mmHg: 65, repeat_after_min: 3, max_doses: 3}
outcomes: [min_map_mmHg, time_map_below_65_min]
```

`load_trial` validates on load; every error names the field, the value and what is
allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from medtwin.glucose.controllers import CONTROLLERS
from medtwin.glucose.meals import parse_meals
from medtwin.glucose.metrics import METRIC_NAMES
from medtwin.glucose.parameters import GROUPS, GlucosePatientError, patient_names
from medtwin.glucose.pump import PUMPS
from medtwin.glucose.sensor import SENSORS

CARDIO_OUTCOMES = (
    "min_map_mmHg", "time_map_below_65_min", "final_map_mmHg", "max_heart_rate_per_min",
    "min_heart_rate_per_min", "vasopressor_doses", "first_dose_min",
)  # fmt: skip
MAX_COHORT = 100_000


class TrialError(ValueError):
    """A trial file that cannot be run."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _one_of(value: str, allowed, what: str) -> str:
    if value not in allowed:
        raise ValueError(f"{what} is not known; allowed: {', '.join(sorted(allowed))}")
    return value


class _Trial(_Strict):
    name: str
    seed: int = 0
    reference_arm: str | None = None
    """The arm the others are compared with (paired differences); default the first."""

    def reference(self) -> str:
        """The name of the reference arm."""
        return self.reference_arm or self.arms[0].name


class GlucoseCohort(_Strict):
    patients: Literal["all"] | list[str] | None = None
    generated: Annotated[int, Field(ge=1, le=MAX_COHORT)] | None = None
    group: Literal["adolescent", "adult", "child"] = "adult"

    @field_validator("patients")
    @classmethod
    def _known(cls, value):
        if isinstance(value, list):
            for name in value:
                _one_of(name, set(patient_names()) | set(GROUPS), f"patient {name!r}")
        return value

    def size(self) -> int:
        """How many patients the cohort has."""
        if self.generated is not None:
            return self.generated
        names = self.patients or "all"
        return len(patient_names()) if names == "all" else len(names)


class GlucoseArm(_Strict):
    name: str
    controller: str
    announce_meals: bool = True
    sensor: str = "cgm"
    pump: str = "ideal"

    @field_validator("controller")
    @classmethod
    def _controller(cls, value: str) -> str:
        return _one_of(value, CONTROLLERS, "controller")

    @field_validator("sensor")
    @classmethod
    def _sensor(cls, value: str) -> str:
        return _one_of(value, SENSORS, "sensor")

    @field_validator("pump")
    @classmethod
    def _pump(cls, value: str) -> str:
        return _one_of(value, PUMPS, "pump")


class GlucoseTrial(_Trial):
    twin: Literal["glucose"]
    cohort: GlucoseCohort = GlucoseCohort()
    arms: Annotated[list[GlucoseArm], Field(min_length=1)]
    meals: str = "random"
    days: Annotated[int, Field(ge=1, le=366)] = 1
    outcomes: Annotated[list[str], Field(min_length=1)] = list(METRIC_NAMES)

    @field_validator("meals")
    @classmethod
    def _meals(cls, value: str) -> str:
        if value.strip().lower() != "random":
            try:
                parse_meals(value)
            except GlucosePatientError as error:
                raise ValueError(str(error)) from None
        return value

    @field_validator("outcomes")
    @classmethod
    def _outcomes(cls, value: list[str]) -> list[str]:
        for name in value:
            _one_of(name, METRIC_NAMES, f"outcome {name!r}")
        return value


class CardioCohort(_Strict):
    generated: Annotated[int, Field(ge=1, le=MAX_COHORT)] = 1000
    age_range: tuple[float, float] = (18.0, 90.0)

    def size(self) -> int:
        """How many patients the cohort has."""
        return self.generated


class Rescue(_Strict):
    when_map_below_mmHg: Annotated[float, Field(gt=0, le=200)] | None = 65.0
    at_min: Annotated[float, Field(ge=0)] | None = None
    repeat_after_min: Annotated[float, Field(gt=0)] = 3.0
    max_doses: Annotated[int, Field(ge=1, le=20)] = 3


class CardioArm(_Strict):
    name: str
    vasopressor: str | None = None
    """An order given by the rescue rule; None: a control arm without rescue."""


class CardioTrial(_Trial):
    twin: Literal["cardiopulmonary"]
    cohort: CardioCohort = CardioCohort()
    duration_min: Annotated[float, Field(gt=0, le=24 * 60)] = 30.0
    at_start: list[str] = []
    arms: Annotated[list[CardioArm], Field(min_length=1)]
    rescue: Rescue = Rescue()
    outcomes: Annotated[list[str], Field(min_length=1)] = list(CARDIO_OUTCOMES)

    @field_validator("outcomes")
    @classmethod
    def _outcomes(cls, value: list[str]) -> list[str]:
        for name in value:
            _one_of(name, CARDIO_OUTCOMES, f"outcome {name!r}")
        return value


Trial = GlucoseTrial | CardioTrial
_ADAPTER = TypeAdapter(Annotated[Trial, Field(discriminator="twin")])


def parse_trial(data: object, source: str = "trial") -> Trial:
    """Validate a trial's data (a mapping, as read from YAML)."""
    try:
        trial = _ADAPTER.validate_python(data)
    except ValidationError as error:
        raise TrialError(_first_error(error, source)) from None
    names = [arm.name for arm in trial.arms]
    if len(set(names)) != len(names):
        raise TrialError(f"{source}: arms: names {names} must be different")
    if trial.reference_arm is not None and trial.reference_arm not in names:
        raise TrialError(f"{source}: reference_arm = {trial.reference_arm!r}: not an arm; "
                         f"allowed: {', '.join(names)}")  # fmt: skip
    return trial


def load_trial(path: Path) -> Trial:
    """Read and validate TRIAL.yaml."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TrialError(f"{path}: cannot be read ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise TrialError(f"{path}: not valid YAML ({str(error).splitlines()[0]})") from None
    return parse_trial(data, str(path))


def _first_error(error: ValidationError, source: str) -> str:
    first = error.errors()[0]
    field = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"]
                    if part not in ("glucose", "cardiopulmonary"))  # fmt: skip
    field = field.lstrip(".") or "(top level)"
    message = first["msg"].removeprefix("Value error, ")
    value = first.get("input")
    if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
        field, message = "twin", "allowed: 'glucose' or 'cardiopulmonary'"
        value = value.get("twin") if isinstance(value, dict) else value
    shown = "" if first["type"] in ("missing", "union_tag_not_found") else f" = {value!r}"
    return f"{source}: {field}{shown}: {message}"[:400]
