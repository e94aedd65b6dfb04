"""Who the virtual patient is: demographics, parameter overrides and their validation.

A `Patient` is checked at the boundary, once: every invalid input raises `PatientError`
with one line per problem naming the field, the value given and what is allowed, so a
user editing a YAML file never sees a pydantic traceback.
"""

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from medtwin.patients.variation import VARIATION_LIMITS, IndividualVariation
from medtwin.problems import problem_line

Sex = Literal["male", "female"]

# Adult model only: the anthropometric and physiological equations used downstream were
# fitted on adults. Heights and weights span the extremes seen in adult clinical practice.
ALLOWED_RANGES: dict[str, tuple[float, float, str]] = {
    "age_years": (18.0, 100.0, "years"),
    "height_cm": (120.0, 230.0, "cm"),
    "weight_kg": (30.0, 300.0, "kg"),
}


class PatientError(ValueError):
    """An invalid patient, patient file or population request.

    `problems` holds one human-readable line per problem; the message joins them.
    """

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems: tuple[str, ...] = problems


def _range_text(field: str) -> str:
    low, high, unit = ALLOWED_RANGES[field]
    return f"{low:g}–{high:g} {unit}"


def _allowed_text(field: str) -> str | None:
    if field in ALLOWED_RANGES:
        return _range_text(field)
    if field == "sex":
        return ", ".join(get_args(Sex))
    if field.removeprefix("variation.") in VARIATION_LIMITS:
        low, high, unit = VARIATION_LIMITS[field.removeprefix("variation.")]
        return f"{low:g} to {high:g} {unit}".rstrip()
    return None


def _describe(error: Any) -> str:
    """One line for one pydantic error: field, value given, what is allowed."""
    field = ".".join(str(part) for part in error["loc"])
    nested = error["loc"][:1] == ("variation",)
    known = IndividualVariation.model_fields if nested else Patient.model_fields
    return problem_line(error, known, _allowed_text(field), noun="key")


class Patient(BaseModel):
    """Demographics of one adult virtual patient, plus physiology parameter overrides.

    `overrides` maps physiology parameter names to values; the engine checks the names,
    this model only that the values are finite numbers. `conditions` maps chronic
    conditions (`medtwin.patients.conditions`) to severities in (0, 1]. `source` cites
    where a named patient's figures come from. `variation` holds the patient's own
    departures from the reference values (`medtwin.patients.variation`); by default none.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    name: str = Field(min_length=1)
    sex: Sex
    age_years: float
    height_cm: float
    weight_kg: float
    overrides: dict[str, float] = {}
    conditions: dict[str, float] = {}
    source: str | None = None
    variation: IndividualVariation = IndividualVariation()

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise PatientError(*(_describe(e) for e in error.errors())) from None

    @field_validator("age_years", "height_cm", "weight_kg")
    @classmethod
    def _within_allowed_range(cls, value: float, info: Any) -> float:
        low, high, _ = ALLOWED_RANGES[info.field_name]
        if not low <= value <= high:
            raise ValueError(f"is outside the allowed range {_range_text(info.field_name)}")
        return value

    @field_validator("conditions", mode="before")
    @classmethod
    def _severities_are_numbers(cls, conditions: Any) -> Any:
        if isinstance(conditions, dict):
            for name, severity in conditions.items():
                if isinstance(severity, bool) or not isinstance(severity, int | float):
                    raise ValueError(f"gives {name} the severity {severity!r}: must be a number")
        return conditions

    @field_validator("conditions")
    @classmethod
    def _known_conditions(cls, conditions: dict[str, float]) -> dict[str, float]:
        from medtwin.patients.conditions import CONDITIONS

        for name, severity in conditions.items():
            if name not in CONDITIONS:
                raise ValueError(
                    f"has unknown condition {name!r}; known: {', '.join(sorted(CONDITIONS))}"
                )
            if not 0.0 < severity <= 1.0:
                raise ValueError(
                    f"gives {name} the severity {severity!r}: must be more than 0 and at most 1"
                )
        return conditions

    @property
    def height_m(self) -> float:
        """Height in metres, the unit several published equations use."""
        return self.height_cm / 100.0

    @property
    def bmi(self) -> float:
        """Body mass index in kg/m² (weight over height squared)."""
        return self.weight_kg / self.height_m**2
