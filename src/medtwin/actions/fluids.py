"""Fluid actions: a volume over a time, a continuous rate, and stopping a fluid.

'lactated Ringer's 1000 mL over 15 min' runs a bag at 4000 mL/h for 15 minutes;
'normal saline 125 mL/h' runs until stopped. Crystalloids, colloids and blood products
share these orders; what each fluid brings to the body is in `fluid_table`. The twin
keeps one line per fluid: a new order for a running fluid replaces its rate.
"""

from typing import Annotated, Literal, Self

from pydantic import AfterValidator, model_validator

from medtwin.actions.base import ActionBase
from medtwin.actions.fluid_table import UnknownFluidError, fluid, unknown_fluid_hint
from medtwin.actions.formatter import format_number


def canonical_fluid(name: str) -> str:
    """The vocabulary's name for `name` (any case or alias); `ValueError` if unknown."""
    try:
        return fluid(name).name
    except UnknownFluidError:
        raise ValueError(f"is not a known fluid; {unknown_fluid_hint(name)}") from None


FluidName = Annotated[str, AfterValidator(canonical_fluid)]
"""A fluid name, checked against the vocabulary and stored under its canonical name."""


class FluidInfusion(ActionBase):
    """A fluid given as a volume over a duration, or at a rate until stopped.

    Exactly one form: `volume_mL` with `duration_min` ('lactated Ringer's 1000 mL over
    15 min'), or `rate_mL_per_h` alone ('normal saline 125 mL/h').
    """

    kind: Literal["fluid"] = "fluid"
    fluid: FluidName
    volume_mL: float | None = None
    duration_min: float | None = None
    rate_mL_per_h: float | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        forms = (frozenset({"volume_mL", "duration_min"}), frozenset({"rate_mL_per_h"}))
        advice = f"{self.fluid}: give volume_mL with duration_min, or rate_mL_per_h alone"
        self._check_form(forms, advice)
        return self

    def order(self) -> str:
        """'lactated Ringer's 1000 mL over 15 min' or 'normal saline 125 mL/h'."""
        if self.rate_mL_per_h is not None:
            return f"{self.fluid} {format_number(self.rate_mL_per_h)} mL/h"
        volume, minutes = format_number(self.volume_mL), format_number(self.duration_min)
        return f"{self.fluid} {volume} mL over {minutes} min"


class StopFluid(ActionBase):
    """Stop a running fluid: 'stop normal saline'."""

    kind: Literal["stop_fluid"] = "stop_fluid"
    fluid: FluidName

    def order(self) -> str:
        """'stop normal saline'."""
        return f"stop {self.fluid}"
