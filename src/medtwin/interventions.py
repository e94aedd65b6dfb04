"""What an action does to one patient of a batch: drug slots, fluids, bleeding.

`Interventions` keeps, for one row of a `Batch`, which drug occupies which slot, which
fluids and bleeds are running and when they end, and writes resolved actions
(`medtwin.actions.resolve`) into the row's parameters and state. Each row of a batch
has its own `Interventions`, so patients of a cohort are treated independently.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from medtwin import pharmacology
from medtwin.actions import ActionError
from medtwin.actions.fluid_table import Fluid
from medtwin.actions.resolve import BleedRate, DrugDose, DrugRate, FluidRate, ResolvedAction
from medtwin.patients import Patient
from medtwin.physiology.batch import Batch
from medtwin.physiology.kernel import SLOW_STEP_S
from medtwin.physiology.layout import (
    DRUG_SLOTS,
    DRUG_STATES,
    EFFECT_TARGETS,
    HAEMORRHAGE_SITES,
    N_EFFECTS,
    S,
)
from medtwin.physiology.parameters import P

STORED_BLOOD_O2_SATURATION = 0.75
"""O2 saturation assumed for transfused red cells (stored blood is partly
deoxygenated; a venous-like value)."""
HUFNER_ML_PER_G = 1.34
MCHC_G_PER_ML = 0.34


@dataclass
class Running:
    """Something that runs at a rate until `end_s` (None: until stopped)."""

    rate: float
    end_s: float | None


@dataclass
class Interventions:
    """The interventions of one batch row, and the bookkeeping to apply them."""

    patient: Patient
    models: dict[str, str] = field(default_factory=dict)
    slots: dict[str, int] = field(default_factory=dict)
    fluids: dict[str, tuple[Fluid, Running]] = field(default_factory=dict)
    bleeds: dict[str, Running] = field(default_factory=dict)

    def copy(self) -> Interventions:
        return copy.deepcopy(self)

    # --- applying ----------------------------------------------------------------
    def check(self, resolved: ResolvedAction) -> None:
        """Refuse, before anything changes, what this patient's slots cannot take."""
        if isinstance(resolved, DrugDose | DrugRate) and resolved.drug not in self.slots:
            if len(self.slots) >= DRUG_SLOTS:
                on_board = ", ".join(sorted(self.slots))
                raise ActionError(
                    f"drug = {resolved.drug!r}: at most {DRUG_SLOTS} different drugs per "
                    f"patient, already on board: {on_board}"
                )
            if isinstance(resolved, DrugRate) and resolved.rate_per_s == 0.0:
                raise ActionError(f"drug = {resolved.drug!r}: no {resolved.drug} infusion runs")

    def apply(self, resolved: ResolvedAction, batch: Batch, row: int, now_s: float) -> None:
        """Write one resolved action into row `row` of `batch` at time `now_s`."""
        self.check(resolved)
        match resolved:
            case DrugDose():
                slot = self._slot(resolved.drug, batch, row)
                batch.state[row, S.DRUG_X_0 + slot * DRUG_STATES] += resolved.amount
            case DrugRate():
                slot = self._slot(resolved.drug, batch, row)
                batch.params[row, P.DRUG_RATE_0 + slot] = resolved.rate_per_s
            case FluidRate():
                self._set_fluid(resolved, now_s)
                self._write_fluids(batch, row)
            case BleedRate():
                self._set_bleed(resolved, now_s)
                self._write_bleeds(batch, row)

    def _slot(self, name: str, batch: Batch, row: int) -> int:
        if name not in self.slots:
            slot = len(self.slots)
            write_drug(
                batch.params[row], slot, pharmacology.drug(name), self.patient,
                self.models.get(name),
            )  # fmt: skip
            first = S.DRUG_X_0 + slot * DRUG_STATES
            batch.state[row, first : first + DRUG_STATES] = 0.0
            self.slots[name] = slot
        return self.slots[name]

    def _set_fluid(self, resolved: FluidRate, now_s: float) -> None:
        name = resolved.fluid.name
        if resolved.rate_mL_per_s == 0.0:
            self.fluids.pop(name, None)
            return
        end = None if resolved.end_s is None else now_s + resolved.end_s
        self.fluids[name] = (resolved.fluid, Running(resolved.rate_mL_per_s, end))

    def _set_bleed(self, resolved: BleedRate, now_s: float) -> None:
        sites = HAEMORRHAGE_SITES if resolved.site is None else (resolved.site,)
        for site in sites:
            if resolved.rate_mL_per_s == 0.0:
                self.bleeds.pop(site, None)
            else:
                end = None if resolved.end_s is None else now_s + resolved.end_s
                self.bleeds[site] = Running(resolved.rate_mL_per_s, end)

    def _write_fluids(self, batch: Batch, row: int) -> None:
        """The running fluids as one stream: total rate and its mean composition."""
        rate = sum(running.rate for _, running in self.fluids.values())
        params = batch.params[row]
        params[P.INFUSION_RATE] = rate
        if rate == 0.0:
            params[[P.INFUSION_HCT, P.INFUSION_PROTEIN, P.INFUSION_O2]] = 0.0
            return
        weights = [(fluid, running.rate / rate) for fluid, running in self.fluids.values()]
        hct = sum(w * fluid.haematocrit for fluid, w in weights)
        oncotic = sum(w * (fluid.protein_g_per_dL + fluid.colloid_g_per_dL) for fluid, w in weights)
        params[P.INFUSION_HCT] = hct
        params[P.INFUSION_PROTEIN] = oncotic / 100.0
        params[P.INFUSION_O2] = HUFNER_ML_PER_G * MCHC_G_PER_ML * hct * STORED_BLOOD_O2_SATURATION

    def _write_bleeds(self, batch: Batch, row: int) -> None:
        for k, site in enumerate(HAEMORRHAGE_SITES):
            running = self.bleeds.get(site)
            batch.params[row, P.HAEMORRHAGE_RATE_0 + k] = running.rate if running else 0.0

    # --- scheduled ends ----------------------------------------------------------
    def next_end_s(self) -> float | None:
        """The earliest time a fluid or bleed is due to stop, if any."""
        ends = [r.end_s for _, r in self.fluids.values() if r.end_s is not None]
        ends += [r.end_s for r in self.bleeds.values() if r.end_s is not None]
        return min(ends) if ends else None

    def end_due(self, batch: Batch, row: int, now_s: float) -> list[str]:
        """Stop what is due by `now_s`; returns the stopped fluids and bleeding sites."""
        tolerance = 0.5 * batch.step_s
        stopped_fluids = [
            name
            for name, (_, r) in self.fluids.items()
            if r.end_s is not None and r.end_s <= now_s + tolerance
        ]
        stopped_sites = [
            site
            for site, r in self.bleeds.items()
            if r.end_s is not None and r.end_s <= now_s + tolerance
        ]
        for name in stopped_fluids:
            del self.fluids[name]
        for site in stopped_sites:
            del self.bleeds[site]
        if stopped_fluids:
            self._write_fluids(batch, row)
        if stopped_sites:
            self._write_bleeds(batch, row)
        return stopped_fluids + [f"haemorrhage:{site}" for site in stopped_sites]


def write_drug(
    params: np.ndarray,
    slot: int,
    drug: pharmacology.Drug,
    patient: Patient,
    model: str | None = None,
) -> None:
    """Put a drug's PK transition (one slow step) and effects into a parameter slot.

    `model` names one of the drug's published PK models (default: the file's default).
    """
    pk = drug.model(model).parameters(patient)
    phi, gamma = pharmacology.transition(pk, SLOW_STEP_S)
    start = P.DRUG_PHI_0 + slot * DRUG_STATES * DRUG_STATES
    params[start : start + DRUG_STATES * DRUG_STATES] = phi.ravel()
    params[P.DRUG_GAMMA_0 + slot * DRUG_STATES : P.DRUG_GAMMA_0 + (slot + 1) * DRUG_STATES] = gamma
    params[P.DRUG_V1_0 + slot] = pk.v1_L
    params[P.DRUG_CONC_FACTOR_0 + slot] = drug.concentration_per_amount_per_L
    params[P.DRUG_RATE_0 + slot] = 0.0
    params[P.DRUG_OPIOID_0 + slot] = 1.0 if drug.drug_class == "opioid" else 0.0
    base = slot * N_EFFECTS
    params[P.DRUG_EMAX_0 + base : P.DRUG_EMAX_0 + base + N_EFFECTS] = 0.0
    params[P.DRUG_EC50_0 + base : P.DRUG_EC50_0 + base + N_EFFECTS] = 1.0
    params[P.DRUG_HILL_0 + base : P.DRUG_HILL_0 + base + N_EFFECTS] = 1.0
    for effect in drug.effects:
        k = base + EFFECT_TARGETS.index(effect.target)
        params[P.DRUG_EMAX_0 + k] = effect.emax
        params[P.DRUG_EC50_0 + k] = effect.ec50
        params[P.DRUG_HILL_0 + k] = effect.gamma
