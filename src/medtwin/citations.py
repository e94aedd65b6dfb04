"""The sources a run used, as full references from one bibliography with stable keys.

`data/bibliography.yaml` holds every work the engine cites, by key (`ursino1998`), with
its full reference and the short forms by which parameter sources cite it ("Ursino
1998"). Every engine parameter's source names at least one key through those forms
(tests/test_citations.py). A run cites the engine's bibliography, the patient's
conditions and the drugs given with the PK models chosen (`Twin.citations`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

import yaml

from medtwin import pharmacology
from medtwin.patients import Patient


@dataclass(frozen=True)
class Work:
    """One cited work: its stable key, full reference, and the forms that cite it."""

    key: str
    reference: str
    cited_as: tuple[str, ...]


@functools.cache
def bibliography() -> dict[str, Work]:
    """Every work the engine cites, by key."""
    text = (resources.files("medtwin") / "data" / "bibliography.yaml").read_text("utf-8")
    entries = yaml.safe_load(text)
    return {
        key: Work(key, entry["reference"], (*entry.get("cited_as", []), key))
        for key, entry in entries.items()
    }


def keys_cited_in(source: str) -> list[str]:
    """The bibliography keys a source text names (by key or by a short form)."""
    return [work.key for work in bibliography().values()
            if any(form in source for form in work.cited_as)]  # fmt: skip


def engine_keys() -> set[str]:
    """The keys the engine's parameters cite (every run uses all of them)."""
    from medtwin.physiology.parameters import REFERENCE

    return {key for parameter in REFERENCE.values() for key in keys_cited_in(parameter.source)}


def citations_for(patient: Patient, drugs: Mapping[str, str | None]) -> list[str]:
    """Full references of a run: the engine's, the patient's conditions', and each drug
    given (`drugs`: name -> PK model chosen, None for the file's default), sorted."""
    from medtwin.patients.conditions import condition_kind

    works = bibliography()
    cited = {works[key].reference for key in engine_keys()}
    for name in patient.conditions:
        cited.update(condition_kind(name).sources)
    for name, model_name in drugs.items():
        drug = pharmacology.drug(name)
        model = drug.model(model_name)
        cited.update(drug.sources)
        cited.add(model.source)
        if model.ke0_source:
            cited.add(model.ke0_source)
        cited.update(effect.source for effect in drug.effects)
    return sorted(cited)
