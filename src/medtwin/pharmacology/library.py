"""The drug library: one YAML file per drug in `drugs/`, read into checked `Drug` objects.

A drug file holds the drug's names and class, the unit amounts are counted in and the
unit concentrations (and EC50s) are quoted in, its PK models with their sources, its
effects on the engine's quantities (sigmoid Emax on the effect-site concentration) and
the largest dose a clinician could plausibly order. A neuromuscular blocker also says
which kind of block it makes (`NEUROMUSCULAR_BLOCKS`), because the kinds differ in
the train-of-four fade a monitor sees. `drug("Propofol")` finds one by name
or alias; `drugs()` lists them all.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from medtwin.pharmacology.model import ModelError, PKModel
from medtwin.pharmacology.units import (
    DoseError,
    concentration_factor,
    split_unit,
    to_amount,
    to_rate_per_s,
)
from medtwin.physiology.layout import EFFECT_TARGET_DESCRIPTIONS

EFFECT_TARGETS = EFFECT_TARGET_DESCRIPTIONS
"""The engine quantities a drug effect may act on (the engine implements each)."""

DRUG_CLASSES = (
    "hypnotic", "opioid", "opioid_antagonist", "neuromuscular_blocker", "vasopressor",
    "inotrope", "anticholinergic", "beta_blocker", "antiarrhythmic", "antibiotic",
    "benzodiazepine", "anaesthetic", "sympathomimetic",
)  # fmt: skip
_DRUG_KEYS = {
    "name", "aliases", "class", "amount_unit", "concentration_unit", "default_model",
    "models", "effects", "limits", "sources", "notes", "neuromuscular_block",
}  # fmt: skip
NEUROMUSCULAR_BLOCKS = {
    "non_depolarising": "competitive block: the train-of-four fades (T4/T1 below 1)",
    "depolarising": (
        "phase I block: every twitch falls alike, no train-of-four fade (Lee C. Br J "
        "Anaesth 1975;47:841-845: minimal fade up to 1-3 mg/kg of suxamethonium; the "
        "phase II block after 3-5 mg/kg is not modelled)"
    ),
}
"""The kinds of neuromuscular block, the `neuromuscular_block` of a blocker's file."""
_LIMIT_KEYS = ("bolus_max", "infusion_max")


class UnknownDrugError(ValueError):
    """A drug name that is not in the library."""


class DrugFileError(ValueError):
    """A drug file that is missing something or contradicts itself."""


class DoseLimitError(DoseError):
    """A dose above the largest a clinician could plausibly order."""


@dataclass(frozen=True)
class Effect:
    """Sigmoid Emax effect of the effect-site concentration on one engine quantity.

    response(Ce) = emax·Ce^γ / (ec50^γ + Ce^γ): the fractional change of `target` (see
    `EFFECT_TARGETS`), with `ec50` in the drug's concentration unit.
    """

    target: str
    emax: float
    ec50: float
    gamma: float
    source: str

    def response(self, concentration: float) -> float:
        """Fractional change of the target at `concentration` (drug's concentration unit)."""
        if concentration <= 0.0:
            return 0.0
        ratio = (concentration / self.ec50) ** self.gamma
        return self.emax * ratio / (1.0 + ratio)


@dataclass(frozen=True)
class DoseLimit:
    """The largest plausible single bolus or infusion rate, with why."""

    value: float
    unit: str
    source: str


@dataclass(frozen=True)
class Drug:
    """One drug of the library: names, units, PK models, effects, dose limits, sources."""

    name: str
    aliases: tuple[str, ...]
    drug_class: str
    amount_unit: str
    concentration_unit: str
    default_model: str
    models: Mapping[str, PKModel]
    effects: tuple[Effect, ...]
    limits: Mapping[str, DoseLimit]
    sources: tuple[str, ...]
    notes: str | None = None
    neuromuscular_block: str | None = None
    """For a neuromuscular blocker, a key of `NEUROMUSCULAR_BLOCKS`; None otherwise."""

    @property
    def fades_train_of_four(self) -> bool:
        """Whether the drug's block fades the train-of-four (a competitive block)."""
        return self.neuromuscular_block == "non_depolarising"

    @property
    def concentration_per_amount_per_L(self) -> float:
        """Concentration units per (amount unit / L): mg/L → ug/mL is 1, mcg/L → ng/mL 1."""
        return concentration_factor(self.amount_unit, self.concentration_unit)

    def model(self, name: str | None = None) -> PKModel:
        """The PK model `name` (case-insensitive), or the default one."""
        key = (name or self.default_model).lower()
        if key not in self.models:
            raise UnknownDrugError(
                f"{self.name} has no model {name!r} (models: {', '.join(self.models)})"
            )
        return self.models[key]

    def check_bolus(self, amount: float, weight_kg: float) -> None:
        """Refuse a bolus (in amount unit) above `limits['bolus_max']`."""
        self._check(amount, "bolus_max", weight_kg, f"{amount:.4g} {self.amount_unit}")

    def check_infusion(self, rate_per_s: float, weight_kg: float) -> None:
        """Refuse an infusion rate (amount unit per s) above `limits['infusion_max']`."""
        shown = f"{rate_per_s * 3600.0:.4g} {self.amount_unit}/h"
        self._check(rate_per_s, "infusion_max", weight_kg, shown)

    def _check(self, size: float, kind: str, weight_kg: float, shown: str) -> None:
        limit = self.limits.get(kind)
        if limit is None:
            return
        convert = to_amount if kind == "bolus_max" else to_rate_per_s
        largest = convert(limit.value, limit.unit, weight_kg, self.amount_unit)
        if size > largest * (1.0 + 1e-9):
            what = "bolus" if kind == "bolus_max" else "infusion rate"
            raise DoseLimitError(
                f"{self.name} {what} of {shown} is above the largest plausible "
                f"{what}, {limit.value:g} {limit.unit}"
                + (f" ({largest:.4g} {self.amount_unit}"
                   f"{'/s' if kind == 'infusion_max' else ''} at {weight_kg:g} kg)"
                   if split_unit(limit.unit).per_kg else "")
            )  # fmt: skip

    @property
    def all_sources(self) -> tuple[str, ...]:
        """Every citation of the drug: file sources, model, ke0 and effect sources."""
        cited = list(self.sources)
        for model in self.models.values():
            cited += [model.source] + ([model.ke0_source] if model.ke0_source else [])
        cited += [effect.source for effect in self.effects]
        return tuple(dict.fromkeys(cited))


def _require(data: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in data or data[key] in (None, "", [], {}):
        raise DrugFileError(f"{where}: {key} is missing")
    return data[key]


def _positive(value: Any, what: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DrugFileError(f"{where}: {what} = {value!r} is not a finite number")
    if value <= 0:
        raise DrugFileError(f"{where}: {what} = {value!r} must be above 0")
    return float(value)


def _effect(data: Mapping[str, Any], where: str) -> Effect:
    target = _require(data, "target", where)
    if target not in EFFECT_TARGETS:
        raise DrugFileError(
            f"{where}: effect target {target!r} is not one of: {', '.join(EFFECT_TARGETS)}"
        )
    emax = data.get("emax")
    if isinstance(emax, bool) or not isinstance(emax, int | float) or not -1.0 <= emax <= 10.0:
        raise DrugFileError(f"{where}: {target} emax = {emax!r} must be a number in −1…10")
    return Effect(
        target=target,
        emax=float(emax),
        ec50=_positive(data.get("ec50"), f"{target} ec50", where),
        gamma=_positive(data.get("gamma"), f"{target} gamma", where),
        source=str(_require(data, "source", f"{where}: effect {target}")),
    )


def _neuromuscular_block(data: Mapping[str, Any], drug_class: str, where: str) -> str | None:
    """The kind of block: required of a neuromuscular blocker, refused for other drugs."""
    block = data.get("neuromuscular_block")
    if drug_class != "neuromuscular_blocker":
        if block is not None:
            raise DrugFileError(
                f"{where}: neuromuscular_block = {block!r} is only for class neuromuscular_blocker"
            )
        return None
    if block not in NEUROMUSCULAR_BLOCKS:
        raise DrugFileError(
            f"{where}: neuromuscular_block = {block!r} must be one of: "
            f"{', '.join(NEUROMUSCULAR_BLOCKS)}"
        )
    return block


def _limit(data: Any, kind: str, where: str) -> DoseLimit:
    if not isinstance(data, Mapping):
        raise DrugFileError(f"{where}: limits.{kind} must have value, unit and source")
    unit = str(_require(data, "unit", f"{where}: limits.{kind}"))
    try:
        parts = split_unit(unit)
    except DoseError as error:
        raise DrugFileError(f"{where}: limits.{kind}: {error}") from None
    if parts.is_rate != (kind == "infusion_max"):
        raise DrugFileError(f"{where}: limits.{kind} unit {unit!r} is the wrong kind of unit")
    return DoseLimit(
        value=_positive(data.get("value"), f"limits.{kind}.value", where),
        unit=unit,
        source=str(_require(data, "source", f"{where}: limits.{kind}")),
    )


def drug_from_dict(data: Mapping[str, Any], where: str = "drug file") -> Drug:
    """Build and check a `Drug` from the mapping of a drug file (`where` names it)."""
    if not isinstance(data, Mapping):
        raise DrugFileError(f"{where}: a drug file must be a mapping")
    unknown = set(data) - _DRUG_KEYS
    if unknown:
        raise DrugFileError(
            f"{where}: unknown keys {sorted(unknown)} (allowed: {sorted(_DRUG_KEYS)})"
        )
    name = str(_require(data, "name", where)).lower()
    drug_class = _require(data, "class", where)
    if drug_class not in DRUG_CLASSES:
        raise DrugFileError(
            f"{where}: class {drug_class!r} is not one of: {', '.join(DRUG_CLASSES)}"
        )
    amount_unit = _require(data, "amount_unit", where)
    concentration_unit = _require(data, "concentration_unit", where)
    try:
        concentration_factor(amount_unit, concentration_unit)
    except DoseError as error:
        raise DrugFileError(f"{where}: {error}") from None
    models_data = _require(data, "models", where)
    try:
        models = {
            str(key).lower(): PKModel.from_dict(str(key).lower(), value, where)
            for key, value in models_data.items()
        }
    except ModelError as error:
        raise DrugFileError(str(error)) from None
    default_model = str(_require(data, "default_model", where)).lower()
    if default_model not in models:
        raise DrugFileError(f"{where}: default_model {default_model!r} is not among {list(models)}")
    effects = tuple(_effect(e, where) for e in data.get("effects") or ())
    targets = [effect.target for effect in effects]
    repeated = sorted({target for target in targets if targets.count(target) > 1})
    if repeated:
        raise DrugFileError(
            f"{where}: more than one effect on {', '.join(repeated)} (one per target)"
        )
    if effects and not all(model.has_effect_site for model in models.values()):
        raise DrugFileError(f"{where}: the drug has effects, so every model needs an effect site")
    limits_data = _require(data, "limits", where)
    limits = {kind: _limit(limits_data.get(kind), kind, where) for kind in _LIMIT_KEYS}
    return Drug(
        name=name,
        aliases=tuple(str(alias).lower() for alias in data.get("aliases") or ()),
        drug_class=drug_class,
        amount_unit=amount_unit,
        concentration_unit=concentration_unit,
        default_model=default_model,
        models=models,
        effects=effects,
        limits=limits,
        sources=tuple(str(s) for s in _require(data, "sources", where)),
        notes=data.get("notes"),
        neuromuscular_block=_neuromuscular_block(data, drug_class, where),
    )


@cache
def _library() -> dict[str, Drug]:
    library: dict[str, Drug] = {}
    folder = resources.files("medtwin.pharmacology") / "drugs"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            try:
                data = yaml.safe_load(entry.read_text(encoding="utf-8"))
            except yaml.YAMLError as error:
                raise DrugFileError(f"drugs/{entry.name} is not valid YAML: {error}") from None
            found = drug_from_dict(data, f"drugs/{entry.name}")
            if f"{found.name}.yaml" != entry.name:
                raise DrugFileError(
                    f"drugs/{entry.name}: name {found.name!r} differs from the file"
                )
            library[found.name] = found
    return library


def _names() -> dict[str, Drug]:
    names: dict[str, Drug] = {}
    for found in _library().values():
        for name in (found.name, *found.aliases):
            names[name] = found
    return names


def drug(name: str) -> Drug:
    """The drug called `name` (case-insensitive, aliases too, e.g. "Diprivan")."""
    names = _names()
    key = name.strip().lower()
    if key in names:
        return names[key]
    close = difflib.get_close_matches(key, names, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UnknownDrugError(
        f"unknown drug {name!r}{hint} (library: {', '.join(sorted(_library()))})"
    )


def drugs() -> list[Drug]:
    """Every drug of the library, sorted by name."""
    return [_library()[key] for key in sorted(_library())]
