"""The fluids an order may name: crystalloids, colloids and blood products.

Each row gives what the engine needs to add the fluid to the body: the haematocrit of
the product (red cell volume fraction) and the protein and total colloid concentrations
of its non-cellular part, with the source of the figures. Names and aliases are matched
without regard to case, spacing before '%' or the style of apostrophe.
"""

import difflib
import re
from dataclasses import dataclass
from typing import Literal

FluidCategory = Literal["crystalloid", "colloid", "blood_product"]

_MYBURGH = "Myburgh JA, Mythen MG. Resuscitation fluids. N Engl J Med 2013;369:1243-51, Table 1"
_AABB = "AABB Technical Manual, 20th ed. (Cohn CS et al., eds.), 2020, ch. on blood components"


@dataclass(frozen=True)
class Fluid:
    """One fluid of the vocabulary.

    `haematocrit` is the red cell volume fraction of the product; `protein_g_per_dL` and
    `colloid_g_per_dL` (protein plus synthetic colloid such as starch) are concentrations
    in its non-cellular part, which is what mixes with the plasma.
    """

    name: str
    aliases: tuple[str, ...]
    category: FluidCategory
    haematocrit: float
    protein_g_per_dL: float
    colloid_g_per_dL: float
    source: str


FLUIDS: tuple[Fluid, ...] = (
    Fluid("lactated Ringer's", ("Hartmann's", "Hartmann's solution", "Ringer's lactate",
          "compound sodium lactate", "LR", "RL"), "crystalloid", 0.0, 0.0, 0.0, _MYBURGH),
    Fluid("normal saline", ("0.9 % sodium chloride", "sodium chloride 0.9 %", "0.9 % saline",
          "saline", "NS"), "crystalloid", 0.0, 0.0, 0.0, _MYBURGH),
    Fluid("Plasma-Lyte", ("Plasma-Lyte 148", "Plasma-Lyte A", "PlasmaLyte"),
          "crystalloid", 0.0, 0.0, 0.0, _MYBURGH),
    Fluid("albumin 5 %", ("5 % albumin", "human albumin 5 %"), "colloid", 0.0, 5.0, 5.0,
          _MYBURGH),
    Fluid("albumin 20 %", ("20 % albumin", "human albumin 20 %"), "colloid", 0.0, 20.0, 20.0,
          _MYBURGH),
    Fluid("hydroxyethyl starch 6 %", ("6 % hydroxyethyl starch", "HES 6 %", "6 % HES", "HES",
          "Voluven"), "colloid", 0.0, 0.0, 6.0, _MYBURGH),
    # Red cells in additive solution: haematocrit 0.55-0.65; the ~140 mL non-cellular part
    # is mostly additive solution with some 20-40 mL of residual plasma.
    Fluid("packed red cells", ("packed red blood cells", "red blood cells", "red cells",
          "PRBC", "RBC"), "blood_product", 0.60, 1.5, 1.5, _AABB),
    # Plasma diluted about 10 % by anticoagulant.
    Fluid("fresh frozen plasma", ("FFP", "plasma"), "blood_product", 0.0, 6.0, 6.0, _AABB),
    # Stored whole blood with anticoagulant: haematocrit 0.36-0.44.
    Fluid("whole blood", ("WB",), "blood_product", 0.40, 6.0, 6.0, _AABB),
)  # fmt: skip


class UnknownFluidError(ValueError):
    """A fluid name that is not in the vocabulary; the message suggests close names."""


def name_key(text: str) -> str:
    """How names are compared: case-folded, one space, no space before '%', straight '."""
    text = re.sub(r"\s+", " ", text.strip().casefold().replace("’", "'"))
    return text.replace(" %", "%")


_BY_KEY: dict[str, Fluid] = {
    name_key(spelling): fluid for fluid in FLUIDS for spelling in (fluid.name, *fluid.aliases)
}
FLUID_NAME_KEYS: tuple[str, ...] = tuple(sorted(_BY_KEY, key=len, reverse=True))
"""Every accepted fluid spelling (as `name_key`), longest first for prefix matching."""


def fluid(name: str) -> Fluid:
    """The fluid called `name` (any case, or an alias); `UnknownFluidError` otherwise."""
    key = name_key(name)
    if key not in _BY_KEY:
        raise UnknownFluidError(f"unknown fluid {name!r}; {unknown_fluid_hint(name)}")
    return _BY_KEY[key]


def unknown_fluid_hint(name: str) -> str:
    """Close names in the vocabulary, if any, then every fluid it knows."""
    matches = difflib.get_close_matches(name_key(name), _BY_KEY, n=4)
    close = dict.fromkeys(_BY_KEY[key].name for key in matches)
    hint = f"did you mean: {', '.join(close)}? " if close else ""
    return f"{hint}known fluids: {', '.join(f.name for f in FLUIDS)}"
