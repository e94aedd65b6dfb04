"""Stop bleeding: from every site ('stop haemorrhage'), or from one."""

from __future__ import annotations

import re
from typing import ClassVar, Literal, Self

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.kinds.haemorrhage import (
    SITE,
    SITES,
    WORDS,
    Site,
    haemothorax_side,
    site_named,
)
from medtwin.actions.registry import register

_STOP = re.compile(rf"stop {WORDS}{SITE}")


@register
class StopHaemorrhage(ActionBase):
    """Stop the bleeding at `site`, or at every site when `site` is None: care (a
    tourniquet, direct pressure, surgery), which trainees give, not an insult."""

    kind: Literal["stop_haemorrhage"] = "stop_haemorrhage"
    insult: ClassVar[bool] = False
    site: Site | None = None

    forms = ("stop haemorrhage [from <site> site]", "stop haemothorax left|right")
    examples = ("stop haemorrhage", "stop haemorrhage from splanchnic site",
                "stop haemothorax left")  # fmt: skip
    refusals = ("stop haemorrhage from elbow site",)
    parse_priority = 10

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        match = _STOP.fullmatch(key)
        return None if match is None else cls(site=site_named(match).get("site"))

    def order(self) -> str:
        if self.site is None:
            return "stop haemorrhage"
        if (side := haemothorax_side(self.site)) is not None:
            return f"stop haemothorax {side}"
        return f"stop haemorrhage from {self.site} site"

    def _sites(self) -> tuple[str, ...]:
        return SITES if self.site is None else (self.site,)

    def apply(self, context: ActionContext) -> list[FollowUp]:
        for site in self._sites():
            context.treatments.set_bleed(site, 0.0, context.inputs)
        return []

    def lines(self) -> frozenset[str]:
        return frozenset(f"haemorrhage:{site}" for site in self._sites())
