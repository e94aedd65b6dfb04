"""The book of what runs in one patient: drug slots, fluid lines, bleeding sites.

Several kinds of action share these: every drug action needs the drug's slot in the
engine (given on first use, with its PK model and effects written into the inputs),
every fluid order changes the one mixed stream of fluid the engine infuses, and every
bleed the rate at its site. `Treatments` keeps that book for one patient and writes it
into the engine's run-time inputs by name. It holds no times: scheduled ends live in
the twin's scheduler.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from medtwin import pharmacology
from medtwin.actions.errors import ActionError
from medtwin.actions.fluid_table import Fluid
from medtwin.patients import Patient
from medtwin.physiology.inputs import EngineInputs
from medtwin.physiology.kernel import SLOW_STEP_S
from medtwin.physiology.layout import DRUG_SLOTS, EFFECT_TARGETS, HAEMORRHAGE_SITES

STORED_BLOOD_O2_SATURATION = 0.75
"""O2 saturation assumed for transfused red cells (stored blood is partly
deoxygenated; a venous-like value)."""
HUFNER_ML_PER_G = 1.34
"""mL O2 bound per g of haemoglobin (Hüfner's constant as used clinically; Zander R,
Mertzlufft F, The Oxygen Status of Arterial Human Blood, 1991)."""
MCHC_G_PER_ML = 0.34
"""Mean corpuscular haemoglobin concentration, 34 g/dL (Van Leeuwen & Bladh 2015,
Textbook of Laboratory and Diagnostic Testing: 32-36 g/dL)."""


@dataclass
class Treatments:
    """What runs in one patient, and the bookkeeping to write it into the engine."""

    patient: Patient
    models: dict[str, str] = field(default_factory=dict)
    """The published PK model chosen per drug (others use their file's default)."""
    slots: dict[str, int] = field(default_factory=dict)
    """The engine slot of each drug given so far."""
    fluids: dict[str, tuple[Fluid, float]] = field(default_factory=dict)
    """Running fluids: the fluid and its rate (mL/s), by name."""
    bleeds: dict[str, float] = field(default_factory=dict)
    """Bleeding sites and their rate (mL/s)."""

    def copy(self) -> Treatments:
        return copy.deepcopy(self)

    # --- drugs -------------------------------------------------------------------
    def check_drug_slot(self, drug: str) -> None:
        """Refuse a new drug when every slot is taken."""
        if drug not in self.slots and len(self.slots) >= DRUG_SLOTS:
            on_board = ", ".join(sorted(self.slots))
            raise ActionError(
                f"drug = {drug!r}: at most {DRUG_SLOTS} different drugs per patient, "
                f"already on board: {on_board}"
            )

    def drug_slot(self, drug: str, inputs: EngineInputs, drug_amounts) -> int:
        """The slot of `drug`, given to it (PK and effects written, amounts zeroed) on
        first use."""
        if drug not in self.slots:
            self.check_drug_slot(drug)
            slot = len(self.slots)
            write_drug(inputs, slot, pharmacology.drug(drug), self.patient, self.models.get(drug))
            drug_amounts[slot] = 0.0
            self.slots[drug] = slot
        return self.slots[drug]

    # --- fluids ------------------------------------------------------------------
    def set_fluid(self, fluid: Fluid, rate_mL_per_s: float, inputs: EngineInputs) -> None:
        """Run `fluid` at `rate_mL_per_s` (0 stops it), and write the mixed stream."""
        if rate_mL_per_s == 0.0:
            self.fluids.pop(fluid.name, None)
        else:
            self.fluids[fluid.name] = (fluid, rate_mL_per_s)
        self._write_fluids(inputs)

    def _write_fluids(self, inputs: EngineInputs) -> None:
        """The running fluids as one stream: total rate and its mean composition."""
        rate = sum(rate for _, rate in self.fluids.values())
        inputs["INFUSION_RATE"] = rate
        if rate == 0.0:
            for name in ("INFUSION_HCT", "INFUSION_PROTEIN", "INFUSION_O2"):
                inputs[name] = 0.0
            return
        weights = [(fluid, fluid_rate / rate) for fluid, fluid_rate in self.fluids.values()]
        hct = sum(w * fluid.haematocrit for fluid, w in weights)
        oncotic = sum(w * (fluid.protein_g_per_dL + fluid.colloid_g_per_dL) for fluid, w in weights)
        inputs["INFUSION_HCT"] = hct
        inputs["INFUSION_PROTEIN"] = oncotic / 100.0
        inputs["INFUSION_O2"] = HUFNER_ML_PER_G * MCHC_G_PER_ML * hct * STORED_BLOOD_O2_SATURATION

    # --- bleeding ----------------------------------------------------------------
    def set_bleed(self, site: str, rate_mL_per_s: float, inputs: EngineInputs) -> None:
        """Bleed from `site` at `rate_mL_per_s` (0 stops it), and write the rates."""
        if rate_mL_per_s == 0.0:
            self.bleeds.pop(site, None)
        else:
            self.bleeds[site] = rate_mL_per_s
        inputs["HAEMORRHAGE_RATE"] = [self.bleeds.get(s, 0.0) for s in HAEMORRHAGE_SITES]


def write_drug(
    inputs: EngineInputs,
    slot: int,
    drug: pharmacology.Drug,
    patient: Patient,
    model: str | None = None,
) -> None:
    """Put a drug's PK transition (one slow step) and effects into slot `slot`.

    `model` names one of the drug's published PK models (default: the file's default).
    """
    pk = drug.model(model).parameters(patient)
    phi, gamma = pharmacology.transition(pk, SLOW_STEP_S)
    inputs["DRUG_PHI"][slot] = phi
    inputs["DRUG_GAMMA"][slot] = gamma
    inputs["DRUG_V1"][slot] = pk.v1_L
    inputs["DRUG_CONC_FACTOR"][slot] = drug.concentration_per_amount_per_L
    inputs["DRUG_RATE"][slot] = 0.0
    inputs["DRUG_OPIOID"][slot] = 1.0 if drug.drug_class == "opioid" else 0.0
    inputs["DRUG_FADES"][slot] = 1.0 if drug.fades_train_of_four else 0.0
    inputs["DRUG_EMAX"][slot] = 0.0
    inputs["DRUG_EC50"][slot] = 1.0
    inputs["DRUG_HILL"][slot] = 1.0
    for effect in drug.effects:
        target = EFFECT_TARGETS.index(effect.target)
        inputs["DRUG_EMAX"][slot, target] = effect.emax
        inputs["DRUG_EC50"][slot, target] = effect.ec50
        inputs["DRUG_HILL"][slot, target] = effect.gamma
