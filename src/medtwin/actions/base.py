"""What every action shares: frozen and strict pydantic, one range table, `order()`.

An action is a value: it says what is done, not to whom or when. `Twin.apply` gives it
a time and a patient; `resolve` turns it into amounts and rates for that patient.
"""

import math
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from medtwin.actions.errors import action_error

# Allowed ranges, lower bound exclusive, upper inclusive (None: no upper bound here;
# drug doses and rates meet the drug library's limits when resolved for a patient).
ALLOWED_RANGES: dict[str, tuple[float, float | None, str]] = {
    "dose": (0.0, None, ""),
    "rate": (0.0, None, ""),
    "volume_mL": (0.0, 10_000.0, "mL"),  # one order; more is a second order
    # Rapid infusers deliver up to 1000 mL/min (Belmont FMS 2000 operator's manual).
    "rate_mL_per_h": (0.0, 60_000.0, "mL/h"),
    # A whole resting cardiac output: no bleed can lose blood faster than the heart moves it.
    "rate_mL_per_min": (0.0, 5_000.0, "mL/min"),
    "duration_min": (0.0, 1_440.0, "min"),  # one day per order
}


def range_text(field: str) -> str:
    """The allowed range of a field in words, e.g. 'more than 0 and at most 10000 mL'."""
    low, high, unit = ALLOWED_RANGES[field]
    text = f"more than {low:g}" if high is None else f"more than {low:g} and at most {high:g}"
    return f"{text} {unit}".rstrip()


class ActionBase(BaseModel):
    """Base of every action: immutable, no unknown fields, finite numbers only.

    Subclasses set `kind` (a `Literal`, the key of the `Action` union) and write their
    readable order in `order()`. Building one with invalid fields raises `ActionError`
    with one line per problem.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    insult: ClassVar[bool] = False
    """True for what happens to the patient (haemorrhage, later pneumothorax, ...),
    false for care given to them (DESIGN.md: interventions and insults). A live session
    lets only its instructor inject insults."""

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise action_error(error, type(self)) from None

    @field_validator("*")
    @classmethod
    def _within_allowed_range(cls, value: Any, info: Any) -> Any:
        if info.field_name not in ALLOWED_RANGES or value is None:
            return value
        low, high, _ = ALLOWED_RANGES[info.field_name]
        if math.isfinite(value) and (value <= low or (high is not None and value > high)):
            raise ValueError(f"is not allowed: must be {range_text(info.field_name)}")
        return value

    def _check_form(self, forms: tuple[frozenset[str], ...], advice: str) -> None:
        """Refuse unless the optional fields given are exactly one of `forms`."""
        fields = sorted(set().union(*forms), key=list(type(self).model_fields).index)
        given = {name: getattr(self, name) for name in fields if getattr(self, name) is not None}
        if frozenset(given) not in forms:
            shown = ", ".join(f"{name} = {value!r}" for name, value in given.items()) or "none"
            raise ValueError(f"{advice} (given: {shown})")

    def order(self) -> str:
        """The action as a readable order, e.g. 'propofol 2 mg/kg IV bolus'."""
        raise NotImplementedError

    def __str__(self) -> str:
        return self.order()
