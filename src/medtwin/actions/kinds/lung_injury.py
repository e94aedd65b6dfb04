"""Acute lung injury, as in ARDS: 'lung injury 0.5' (the instructor's; 0 ends it).

`severity` is the share of the lungs no longer aerated (flooded or collapsed alveoli
that blood still flows past): the ventilated share shrinks, so the remaining 'baby
lung' is stiffer (Gattinoni L, Pesenti A. Intensive Care Med 2005;31:776) and the
unventilated part's flow, halved by hypoxic vasoconstriction, is a shunt
(`ventilation.shunt`). Graded by the Berlin definition's PaO2/FiO2 on PEEP 5 or more
(ARDS Definition Task Force. JAMA 2012;307:2526): mild 200-300, moderate 100-200,
severe 100 or less.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from medtwin.actions.registry import register
from medtwin.actions.severity import SeverityInsult


@register
class LungInjury(SeverityInsult):
    """A share `severity` of the lungs no longer aerated."""

    kind: Literal["lung_injury"] = "lung_injury"
    word: ClassVar[str] = "lung injury"
    words: ClassVar[tuple[str, ...]] = ("ards",)
    input_name: ClassVar[str] = "LUNG_INJURY"
    severity: float = Field(ge=0, le=0.9, json_schema_extra={"unit": ""})

    forms = ("lung injury <0-0.9>",)
    examples = ("lung injury 0.5", "ards 0.3", "lung injury 0")
    refusals = ("lung injury 1.2",)
