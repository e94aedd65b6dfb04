"""Current medications -> the drug classes of medtwin's drug library.

The classes and their ingredient names (WHO ATC) are data: `data/medication_classes.yaml`.
A class is kept only if the drug library holds a drug of it, and that drug is named as
the library drug sharing its mechanism (for example esmolol for metoprolol).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import yaml

from medtwin import pharmacology


@cache
def medication_classes() -> dict[str, tuple[str, tuple[str, ...], str]]:
    """Class -> (ATC group, ingredients, library drug of that class)."""
    text = files("medtwin.interop").joinpath("data", "medication_classes.yaml").read_text("utf-8")
    library = {}
    for drug in sorted(pharmacology.drugs(), key=lambda d: d.name):
        library.setdefault(drug.drug_class, drug.name)
    classes = {}
    for name, entry in yaml.safe_load(text)["classes"].items():
        if name in library:
            classes[name] = (entry["atc"], tuple(entry["ingredients"]), library[name])
    return classes


def classify(medication_name: str) -> tuple[str, str, str] | None:
    """(class, ATC group, library drug) for a medication's name, or None."""
    lowered = medication_name.lower()
    for name, (atc, ingredients, drug) in medication_classes().items():
        if any(ingredient in lowered for ingredient in ingredients):
            return name, atc, drug
    return None
