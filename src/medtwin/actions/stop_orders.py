"""The shape every 'stop ...' order shares, and the fluid name type of the fluid kinds.

'stop <what> [IV] [infusion]' stops a drug infusion or a fluid; 'stop haemorrhage' has
its own form. Which kind a stop order is depends on what <what> names.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

from medtwin.actions.errors import ActionError
from medtwin.actions.fluid_table import UnknownFluidError, fluid, unknown_fluid_hint

STOP_ORDER = re.compile(r"stop (?P<what>.+?)(?: iv)?(?: infusion)?")


def canonical_fluid(name: str) -> str:
    """The vocabulary's name for `name` (any case or alias); `ValueError` if unknown."""
    try:
        return fluid(name).name
    except UnknownFluidError:
        raise ValueError(f"is not a known fluid; {unknown_fluid_hint(name)}") from None


FluidName = Annotated[str, AfterValidator(canonical_fluid)]
"""A fluid name, checked against the vocabulary and stored under its canonical name."""


def unknown_stop(key: str) -> ActionError:
    """The refusal of 'stop <what>' when <what> is neither a drug nor a fluid, with what
    each kind said of the name."""
    from medtwin.actions.registry import KINDS

    what = STOP_ORDER.fullmatch(key)["what"]
    problems = []
    for kind, field in (("stop_drug_infusion", "drug"), ("stop_fluid", "fluid")):
        try:
            KINDS[kind](**{field: what})
        except ActionError as error:
            problems += error.problems
    return ActionError(f"stop {what!r}: neither a drug nor a fluid", *problems)
