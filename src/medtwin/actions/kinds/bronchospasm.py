"""Bronchospasm, as in acute asthma: 'bronchospasm 0.6' (the instructor's; 0 ends it).

The small airways lose `severity` of their cross-section: airway resistance rises as
its inverse square, expiration slows until the lungs trap air, and a forced
expiration's peak flow falls to (1 - severity) of predicted, so 0.5-0.67 is the BTS/SIGN
acute severe range of 33-50 % and above 0.67 life-threatening (British Thoracic
Society/SIGN. British guideline on the management of asthma, 2019). Bronchodilators
relax it (`bronchoconstriction` effect, e.g. salbutamol).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from medtwin.actions.registry import register
from medtwin.actions.severity import SeverityInsult


@register
class Bronchospasm(SeverityInsult):
    """The small airways narrowed by `severity` (share of their cross-section)."""

    kind: Literal["bronchospasm"] = "bronchospasm"
    word: ClassVar[str] = "bronchospasm"
    words: ClassVar[tuple[str, ...]] = ("asthma attack",)
    input_name: ClassVar[str] = "BRONCHOSPASM"
    severity: float = Field(ge=0, lt=1, json_schema_extra={"unit": ""})

    forms = ("bronchospasm <0-1>",)
    examples = ("bronchospasm 0.6", "bronchospasm 0")
    refusals = ("bronchospasm 1.5",)
