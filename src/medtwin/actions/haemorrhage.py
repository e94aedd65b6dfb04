"""Haemorrhage: blood lost at a rate or as a volume over a time, from a chosen site.

'haemorrhage 150 mL/min' bleeds until stopped, 'haemorrhage 150 mL/min for 5 min' for
five minutes, 'haemorrhage 500 mL over 10 min' loses 500 mL at 50 mL/min. The site says
where the blood leaves; the engine maps it to a compartment. The twin keeps one bleed
per site: a new order for a bleeding site replaces its rate.
"""

from typing import ClassVar, Literal, Self, get_args

from pydantic import model_validator

from medtwin.actions.base import ActionBase
from medtwin.actions.formatter import format_number

Site = Literal["arterial", "venous", "splanchnic", "muscle"]
"""Where blood is lost: an arterial or a venous vessel, internally into the abdomen
(spleen, liver: splanchnic), or into muscle (e.g. a femur fracture)."""

SITES: tuple[str, ...] = get_args(Site)
DEFAULT_SITE: Site = "arterial"


class Haemorrhage(ActionBase):
    """Blood loss: `rate_mL_per_min` (optionally for `duration_min`), or `volume_mL` over
    `duration_min`, from `site`."""

    kind: Literal["haemorrhage"] = "haemorrhage"
    insult: ClassVar[bool] = True
    rate_mL_per_min: float | None = None
    volume_mL: float | None = None
    duration_min: float | None = None
    site: Site = DEFAULT_SITE

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        forms = (
            frozenset({"rate_mL_per_min"}),
            frozenset({"rate_mL_per_min", "duration_min"}),
            frozenset({"volume_mL", "duration_min"}),
        )
        advice = "haemorrhage: give rate_mL_per_min (optionally with duration_min), or "
        self._check_form(forms, advice + "volume_mL with duration_min")
        return self

    def order(self) -> str:
        """'haemorrhage 150 mL/min', '... for 5 min' or 'haemorrhage 500 mL over 10 min'."""
        if self.rate_mL_per_min is None:
            volume, minutes = format_number(self.volume_mL), format_number(self.duration_min)
            text = f"haemorrhage {volume} mL over {minutes} min"
        else:
            text = f"haemorrhage {format_number(self.rate_mL_per_min)} mL/min"
            if self.duration_min is not None:
                text += f" for {format_number(self.duration_min)} min"
        return text if self.site == DEFAULT_SITE else f"{text} from {self.site} site"


class StopHaemorrhage(ActionBase):
    """Stop bleeding: from every site ('stop haemorrhage'), or from one."""

    kind: Literal["stop_haemorrhage"] = "stop_haemorrhage"
    insult: ClassVar[bool] = True
    site: Site | None = None

    def order(self) -> str:
        """'stop haemorrhage', or 'stop haemorrhage from splanchnic site'."""
        return "stop haemorrhage" + ("" if self.site is None else f" from {self.site} site")
