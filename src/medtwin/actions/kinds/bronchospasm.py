"""Bronchospasm, as in acute asthma: 'bronchospasm 0.6' (the instructor's; 0 ends it).

The small airways lose `severity` of their cross-section: airway resistance rises as
its inverse square, expiration slows until the lungs trap air, and a forced
expiration's peak flow falls to (1 - severity) of predicted, so 0.5-0.67 is the BTS/SIGN
acute severe range of 33-50 % and above 0.67 life-threatening (British Thoracic
Society/SIGN. British guideline on the management of asthma, 2019). Bronchodilators
relax it (`bronchoconstriction` effect, e.g. salbutamol).
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal, Self

from pydantic import Field

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.formatter import format_number
from medtwin.actions.grammar import NUMBER, number
from medtwin.actions.registry import register

_ORDER = re.compile(rf"(?:bronchospasm|asthma attack) (?P<severity>{NUMBER})")


@register
class Bronchospasm(ActionBase):
    """The small airways narrowed by `severity` (share of their cross-section)."""

    kind: Literal["bronchospasm"] = "bronchospasm"
    insult: ClassVar[bool] = True
    severity: float = Field(ge=0, lt=1, json_schema_extra={"unit": ""})

    forms = ("bronchospasm <0-1>",)
    examples = ("bronchospasm 0.6", "bronchospasm 0")
    refusals = ("bronchospasm 1.5",)
    parse_priority = 20

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        match = _ORDER.fullmatch(key)
        return None if match is None else cls(severity=number(match["severity"]))

    def order(self) -> str:
        return f"bronchospasm {format_number(self.severity)}"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        context.inputs["BRONCHOSPASM"] = self.severity
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"bronchospasm"})
