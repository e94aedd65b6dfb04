"""A fluid: a volume over a time ('lactated Ringer's 1000 mL over 15 min', which stops by
itself), or a rate until stopped ('normal saline 125 mL/h').

Crystalloids, colloids and blood products share these orders; what each brings to the
body is in `fluid_table`. The twin keeps one line per fluid: a new order for a running
fluid replaces its rate and cancels its scheduled end.
"""

from __future__ import annotations

import re
from typing import Literal, Self

from pydantic import Field, model_validator

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.drug_fields import is_drug
from medtwin.actions.fluid_table import FLUID_NAME_KEYS, fluid
from medtwin.actions.formatter import format_number
from medtwin.actions.grammar import DURATION, NUMBER, minutes, not_understood, number
from medtwin.actions.registry import register
from medtwin.actions.stop_orders import FluidName
from medtwin.actions.units import normalise_unit

# Rapid infusers deliver up to 1000 mL/min (Belmont FMS 2000 operator's manual).
MAX_RATE_ML_PER_H = 60_000.0
MAX_VOLUME_ML = 10_000.0  # one order; more is a second order
MAX_DURATION_MIN = 1_440.0  # one day per order

_DOSE = re.compile(rf"(?P<number>{NUMBER})\s*(?P<unit>[^\s]+)(?: iv)?(?P<tail>.*)")
_OVER = re.compile(rf" over {DURATION}")
_VOLUME_ORDER = re.compile(rf"(?P<name>.+?) (?:{NUMBER})\s*ml(?:/h|/hr)?(?: .*)?")


@register
class FluidInfusion(ActionBase):
    """A fluid given as `volume_mL` over `duration_min`, or at `rate_mL_per_h` alone."""

    kind: Literal["fluid"] = "fluid"
    fluid: FluidName
    volume_mL: float | None = Field(None, gt=0, le=MAX_VOLUME_ML, json_schema_extra={"unit": "mL"})
    duration_min: float | None = Field(
        None, gt=0, le=MAX_DURATION_MIN, json_schema_extra={"unit": "min"}
    )
    rate_mL_per_h: float | None = Field(
        None, gt=0, le=MAX_RATE_ML_PER_H, json_schema_extra={"unit": "mL/h"}
    )

    forms = ("<fluid> <volume> mL over <time>", "<fluid> <rate> mL/h")
    examples = ("lactated Ringer's 1000 mL over 15 min", "normal saline 125 mL/h")
    refusals = (
        "normal saline 20000 mL over 10 min",
        "lemonade 500 mL over 10 min",
        "normal saline 500 mL over 1e-6 s",  # issue 11: the order that broke a session
    )
    parse_priority = 30

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        forms = (frozenset({"volume_mL", "duration_min"}), frozenset({"rate_mL_per_h"}))
        advice = f"{self.fluid}: give volume_mL with duration_min, or rate_mL_per_h alone"
        self._require_one_form(forms, advice)
        if self.volume_mL is not None:
            rate_mL_per_h = self.volume_mL / self.duration_min * 60.0
            if rate_mL_per_h > MAX_RATE_ML_PER_H:
                raise ValueError(
                    f"{self.fluid}: volume_mL = {format_number(self.volume_mL)} over "
                    f"duration_min = {format_number(self.duration_min)} is "
                    f"{rate_mL_per_h:.4g} mL/h: must be at most {MAX_RATE_ML_PER_H:g} mL/h, "
                    "what a rapid infuser delivers"
                )
        return self

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        for name in FLUID_NAME_KEYS:
            if key.startswith(name + " "):
                return cls._read(text, name, key[len(name) + 1 :])
        volume = _VOLUME_ORDER.fullmatch(key)
        if volume and not is_drug(name := volume["name"]):  # an unknown fluid, refused by name
            return cls._read(text, name, key[len(name) + 1 :])
        return None

    @classmethod
    def _read(cls, text: str, name: str, rest: str) -> Self:
        forms = f"after {name!r} give '<volume> mL over <time>' or '<rate> mL/h'"
        match = _DOSE.fullmatch(rest)
        if match is None:
            raise not_understood(text, forms)
        amount, unit, tail = number(match["number"]), normalise_unit(match["unit"]), match["tail"]
        if unit == "mL/h" and not tail:
            return cls(fluid=name, rate_mL_per_h=amount)
        if unit == "mL" and (over := _OVER.fullmatch(tail)):
            return cls(fluid=name, volume_mL=amount, duration_min=minutes(over, text))
        if unit not in ("mL", "mL/h"):
            raise not_understood(text, f"unit {match['unit']!r} does not fit a fluid; {forms}")
        raise not_understood(text, forms)

    def order(self) -> str:
        if self.rate_mL_per_h is not None:
            return f"{self.fluid} {format_number(self.rate_mL_per_h)} mL/h"
        volume, duration = format_number(self.volume_mL), format_number(self.duration_min)
        return f"{self.fluid} {volume} mL over {duration} min"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        from medtwin.actions.kinds.stop_fluid import StopFluid

        if self.rate_mL_per_h is not None:
            context.treatments.set_fluid(fluid(self.fluid), self.rate_mL_per_h / 3600.0,
                                         context.inputs)  # fmt: skip
            return []
        duration_s = self.duration_min * 60.0
        context.treatments.set_fluid(fluid(self.fluid), self.volume_mL / duration_s,
                                     context.inputs)  # fmt: skip
        return [FollowUp(duration_s, StopFluid(fluid=self.fluid))]

    def lines(self) -> frozenset[str]:
        return frozenset({f"fluid:{self.fluid}"})
