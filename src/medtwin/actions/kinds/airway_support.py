"""Opening the airway of an unconscious patient: 'jaw thrust', 'head tilt chin lift',
'insert oropharyngeal airway', 'insert nasopharyngeal airway'.

Each holds the tongue and pharynx off the back of the throat, so the obstruction an
unconscious patient's relaxed pharynx makes (`physiology.pharynx`) is gone while it is
in place (Resuscitation Council UK, Adult basic and advanced life support, 2021: head
tilt–chin lift or jaw thrust, then an adjunct if needed). It does nothing for a foreign
body, laryngospasm or swelling (the instructor's 'airway obstruction'). 'stop airway
support' lets go.
"""

from __future__ import annotations

from typing import Literal, Self

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.registry import register

Technique = Literal[
    "head tilt chin lift", "jaw thrust", "oropharyngeal airway", "nasopharyngeal airway"
]
_WORDS: dict[str, Technique] = {
    "head tilt chin lift": "head tilt chin lift", "chin lift": "head tilt chin lift",
    "head tilt": "head tilt chin lift", "jaw thrust": "jaw thrust",
    "oropharyngeal airway": "oropharyngeal airway", "opa": "oropharyngeal airway",
    "guedel airway": "oropharyngeal airway",
    "nasopharyngeal airway": "nasopharyngeal airway", "npa": "nasopharyngeal airway",
}  # fmt: skip
_ADJUNCTS = ("oropharyngeal airway", "nasopharyngeal airway")


def technique_words(key: str) -> str:
    """An order's words with hyphens as spaces and a leading 'insert' or 'remove' left
    off: 'head-tilt chin-lift' and 'insert OPA' read as their plain forms."""
    words = key.replace("-", " ").replace("–", " ").split()
    if words and words[0] in ("insert", "remove"):
        words = words[1:]
    return " ".join(words)


@register
class AirwaySupport(ActionBase):
    """The airway held open by `technique` until 'stop airway support'."""

    kind: Literal["airway_support"] = "airway_support"
    technique: Technique

    forms = ("head tilt chin lift", "jaw thrust", "insert oropharyngeal airway",
             "insert nasopharyngeal airway")  # fmt: skip
    examples = ("jaw thrust", "head-tilt chin-lift", "insert oropharyngeal airway",
                "insert NPA")  # fmt: skip
    refusals = ("jaw thrust 2",)
    parse_priority = 20

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        if key.startswith("remove "):
            return None
        technique = _WORDS.get(technique_words(key))
        return None if technique is None else cls(technique=technique)

    def order(self) -> str:
        return f"insert {self.technique}" if self.technique in _ADJUNCTS else self.technique

    def apply(self, context: ActionContext) -> list[FollowUp]:
        context.inputs["AIRWAY_SUPPORT"] = 1.0
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"airway support"})
