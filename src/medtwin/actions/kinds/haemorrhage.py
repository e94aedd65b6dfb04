"""Haemorrhage: blood lost at a rate or as a volume over a time, from a chosen site.

'haemorrhage 150 mL/min' bleeds until stopped, 'haemorrhage 150 mL/min for 5 min' for
five minutes, 'haemorrhage 500 mL over 10 min' at 50 mL/min for ten minutes. The rate is
the flow through the wound at the patient's resting pressure at the site; the engine
drives it by the pressure there, so a bleed slows as pressure falls (and a compensating
patient bleeds a little more), and the volume is met only while pressure holds. The
site says where the blood leaves; the engine maps it to a compartment
(`physiology.circulation.HAEMORRHAGE_COMPARTMENT`). The twin keeps one bleed per site: a
new order for a bleeding site replaces its rate and cancels its scheduled end.
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal, Self, get_args

from pydantic import Field, model_validator

from medtwin.actions.base import ActionBase, refuse
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.formatter import format_number
from medtwin.actions.grammar import DURATION, NUMBER, minutes, not_understood, number
from medtwin.actions.kinds.fluid_infusion import MAX_DURATION_MIN, MAX_VOLUME_ML
from medtwin.actions.registry import register
from medtwin.physiology.layout import HAEMORRHAGE_SITES

Site = Literal[HAEMORRHAGE_SITES]  # type: ignore[valid-type]
"""Where blood is lost: an arterial or a venous vessel, internally into the abdomen
(spleen, liver: splanchnic), into muscle (e.g. a femur fracture), or into a pleural
space (`chest_left`, `chest_right`: a haemothorax, ordered as 'haemothorax left ...')."""
SITES: tuple[str, ...] = get_args(Site)
DEFAULT_SITE = "arterial"
# A whole resting cardiac output: no bleed can lose blood faster than the heart moves it.
MAX_BLEED_ML_PER_MIN = 5_000.0

HAEMOTHORAX = r"(?:haemothorax|hemothorax)"
WORDS = rf"(?:haemorrhage|hemorrhage|bleeding|blood loss|{HAEMOTHORAX} (?P<side>left|right))"
SITE = r"(?: from (?P<site>[a-z]+)(?: site)?)?"
_RATE = re.compile(rf"{WORDS} (?P<rate>{NUMBER})\s*ml/min(?: for {DURATION})?{SITE}")
_VOLUME = re.compile(rf"{WORDS} (?P<volume>{NUMBER})\s*ml over {DURATION}{SITE}")


def haemothorax_side(site: str) -> str | None:
    """The chest side a bleeding site fills ('left', 'right'), None outside the chest."""
    return site.removeprefix("chest_") if site.startswith("chest_") else None


def site_named(match: re.Match) -> dict[str, str]:
    """The site an order names: a haemothorax's side, a 'from <site> site', or none (the
    default); a haemothorax takes no 'from' site."""
    if match["side"]:
        if match["site"]:
            raise refuse(f"site = {match['site']!r} is not allowed: a haemothorax bleeds "
                         "into the chest")  # fmt: skip
        return {"site": f"chest_{match['side']}"}
    return {"site": match["site"]} if match["site"] else {}


@register
class Haemorrhage(ActionBase):
    """Blood loss: `rate_mL_per_min` (optionally for `duration_min`), or `volume_mL` over
    `duration_min`, from `site`."""

    kind: Literal["haemorrhage"] = "haemorrhage"
    insult: ClassVar[bool] = True
    rate_mL_per_min: float | None = Field(
        None, gt=0, le=MAX_BLEED_ML_PER_MIN, json_schema_extra={"unit": "mL/min"}
    )
    volume_mL: float | None = Field(None, gt=0, le=MAX_VOLUME_ML, json_schema_extra={"unit": "mL"})
    duration_min: float | None = Field(
        None, gt=0, le=MAX_DURATION_MIN, json_schema_extra={"unit": "min"}
    )
    site: Site = DEFAULT_SITE

    forms = (
        "haemorrhage <rate> mL/min [for <time>] [from <site> site]",
        "haemorrhage <volume> mL over <time> [from <site> site]",
        "haemothorax left|right <rate> mL/min [for <time>]",
        "haemothorax left|right <volume> mL over <time>",
    )
    examples = (
        "haemorrhage 150 mL/min",
        "haemorrhage 500 mL over 10 min from splanchnic site",
        "haemorrhage 100 mL/min for 5 min from muscle site",
        "haemothorax left 100 mL/min",
        "haemothorax right 1500 mL over 10 min",
    )
    refusals = (
        "haemorrhage 9000 mL/min",
        "haemorrhage 100 mL/min from elbow site",
        "haemorrhage 500 mL over 1e-6 s",
        "haemothorax middle 100 mL/min",
    )
    parse_priority = 20

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        forms = (
            frozenset({"rate_mL_per_min"}),
            frozenset({"rate_mL_per_min", "duration_min"}),
            frozenset({"volume_mL", "duration_min"}),
        )
        advice = "haemorrhage: give rate_mL_per_min (optionally with duration_min), or "
        self._require_one_form(forms, advice + "volume_mL with duration_min")
        if self.volume_mL is not None:
            rate = self.volume_mL / self.duration_min
            if rate > MAX_BLEED_ML_PER_MIN:
                raise ValueError(
                    f"haemorrhage: volume_mL = {format_number(self.volume_mL)} over "
                    f"duration_min = {format_number(self.duration_min)} is {rate:.4g} "
                    f"mL/min: must be at most {MAX_BLEED_ML_PER_MIN:g} mL/min, a whole "
                    "cardiac output"
                )
        return self

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        if not re.match(WORDS + r"\b", key):
            if re.match(HAEMOTHORAX + r"\b", key):
                raise not_understood(
                    text, "a haemothorax is 'haemothorax left|right <rate> mL/min'"
                )
            return None
        if match := _RATE.fullmatch(key):
            site = site_named(match)
            return cls(rate_mL_per_min=number(match["rate"]), duration_min=minutes(match, text),
                       **site)  # fmt: skip
        if match := _VOLUME.fullmatch(key):
            site = site_named(match)
            return cls(volume_mL=number(match["volume"]), duration_min=minutes(match, text),
                       **site)  # fmt: skip
        raise not_understood(
            text, "a haemorrhage is '<rate> mL/min [for <time>]' or '<volume> mL over <time>'"
        )

    def order(self) -> str:
        side = haemothorax_side(self.site)
        words = "haemorrhage" if side is None else f"haemothorax {side}"
        if self.rate_mL_per_min is None:
            volume, duration = format_number(self.volume_mL), format_number(self.duration_min)
            text = f"{words} {volume} mL over {duration} min"
        else:
            text = f"{words} {format_number(self.rate_mL_per_min)} mL/min"
            if self.duration_min is not None:
                text += f" for {format_number(self.duration_min)} min"
        if side is not None or self.site == DEFAULT_SITE:
            return text
        return f"{text} from {self.site} site"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        from medtwin.actions.kinds.stop_haemorrhage import StopHaemorrhage

        end_s = None if self.duration_min is None else self.duration_min * 60.0
        if self.rate_mL_per_min is None:
            rate = self.volume_mL / end_s
        else:
            rate = self.rate_mL_per_min / 60.0
        context.treatments.set_bleed(self.site, rate, context.inputs)
        return [] if end_s is None else [FollowUp(end_s, StopHaemorrhage(site=self.site))]

    def lines(self) -> frozenset[str]:
        return frozenset({f"haemorrhage:{self.site}"})
