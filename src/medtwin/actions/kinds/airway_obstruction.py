"""An obstructed airway: 'airway obstruction 0.8' (0 clears it, 1 is complete).

The instructor's insult: a foreign body, laryngospasm, swelling. The share of the
airway's cross-section lost sets its resistance (`physiology.ventilation`); complete
obstruction lets no gas through, breathing or ventilated.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from medtwin.actions.registry import register
from medtwin.actions.severity import SeverityInsult


@register
class AirwayObstruction(SeverityInsult):
    """The airway narrowed by `severity` (share of its cross-section lost)."""

    kind: Literal["airway_obstruction"] = "airway_obstruction"
    word: ClassVar[str] = "airway obstruction"
    input_name: ClassVar[str] = "AIRWAY_OBSTRUCTION"
    severity: float = Field(ge=0, le=1, json_schema_extra={"unit": ""})

    forms = ("airway obstruction <0-1>",)
    examples = ("airway obstruction 0.8", "airway obstruction 1", "airway obstruction 0")
    refusals = ("airway obstruction 2",)
