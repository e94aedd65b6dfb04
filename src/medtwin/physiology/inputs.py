"""The run-time inputs of one patient: what actions write into the engine, by name.

The engine's parameters come in three kinds (`medtwin.physiology.parameters`): published
constants (`REFERENCE`), values derived from the patient (`DERIVED`), and the run-time
inputs (`INPUTS`) that actions set while a twin runs: bleeding rates, the infused
fluid's rate and make-up, and the drug slots. `EngineInputs` gives those inputs by name
and in their natural shape (`inputs["DRUG_PHI"][slot]` is that slot's 4 × 4 transition),
so no action does column arithmetic into the parameter array, and an action cannot
write a constant or a patient value by mistake.
"""

from __future__ import annotations

import numpy as np

from medtwin.physiology.layout import (
    DRUG_SLOTS,
    DRUG_STATES,
    HAEMORRHAGE_SITES,
    N_EFFECTS,
)
from medtwin.physiology.parameters import INPUTS, P_RECORD

INPUT_SHAPES: dict[str, tuple[int, ...]] = {
    "HAEMORRHAGE_RATE": (len(HAEMORRHAGE_SITES),),
    "INFUSION_RATE": (),
    "INFUSION_HCT": (),
    "INFUSION_PROTEIN": (),
    "INFUSION_O2": (),
    "DRUG_PHI": (DRUG_SLOTS, DRUG_STATES, DRUG_STATES),
    "DRUG_GAMMA": (DRUG_SLOTS, DRUG_STATES),
    "DRUG_V1": (DRUG_SLOTS,),
    "DRUG_CONC_FACTOR": (DRUG_SLOTS,),
    "DRUG_RATE": (DRUG_SLOTS,),
    "DRUG_OPIOID": (DRUG_SLOTS,),
    "DRUG_FADES": (DRUG_SLOTS,),
    "DRUG_EMAX": (DRUG_SLOTS, N_EFFECTS),
    "DRUG_EC50": (DRUG_SLOTS, N_EFFECTS),
    "DRUG_HILL": (DRUG_SLOTS, N_EFFECTS),
    **{name: () for name in ("CPR_RATE", "CPR_DEPTH", "CPR_FRACTION", "CPR_LEANING")},
    **{name: () for name in ("PACE_RATE", "PACE_CURRENT")},
    **{
        name: ()
        for name in (
            "VENT_MODE",
            "VENT_RATE",
            "VENT_VT",
            "VENT_PINSP",
            "VENT_PS",
            "VENT_PEEP",
            "VENT_TI",
            "VENT_FIO2",
            "VENT_DELIVERED",
            "VENT_TRIGGER",
            "VENT_HIGH_PRESSURE",
            "VENT_LOW_MV",
            "VENT_APNOEA_S",
            "VENT_DISCONNECTED",
            "AIRWAY_OBSTRUCTION",
            "AIRWAY_TUBE",
            "AIRWAY_SUPPORT",
            "BRONCHOSPASM",
            "LUNG_INJURY",
        )
    },
    **{name: () for name in ("O2_FLOW", "O2_RESERVOIR", "O2_SOURCE_FIO2", "O2_ENTRAINMENT")},
    "PTX_LEAK": (2,),
    "PTX_VENT": (2,),
}
"""Every run-time input and its shape (scalars have shape ())."""

IDLE_VALUES: dict[str, float] = {"DRUG_EC50": 1.0}
"""Values of an input when nothing acts through it (0 unless listed): an empty drug
slot keeps EC50 at 1 so that its effect term stays finite."""

_INPUT_NAMES = {entry if isinstance(entry, str) else entry[0] for entry in INPUTS}
assert _INPUT_NAMES == set(INPUT_SHAPES), "INPUT_SHAPES must list exactly the INPUTS"


class EngineInputs:
    """Named, shaped access to the run-time inputs of one parameter row.

    Arrays returned are views into the row: writing into them writes the engine input.
    """

    def __init__(self, params_row: np.ndarray) -> None:
        self._record = params_row.view(P_RECORD)[0]

    def __getitem__(self, name: str) -> np.ndarray | float:
        shape = _shape(name)
        if not shape:
            return float(self._record[name])
        return self._record[name].reshape(shape)

    def __setitem__(self, name: str, value: float | np.ndarray) -> None:
        shape = _shape(name)
        if shape:
            self._record[name].reshape(shape)[...] = value
        else:
            self._record[name] = value

    def clear(self) -> None:
        """Every input at its idle value: no bleeding, no infusion, empty drug slots, no
        CPR, no breathing support or oxygen, an open airway."""
        for name in INPUT_SHAPES:
            self[name] = IDLE_VALUES.get(name, 0.0)


def _shape(name: str) -> tuple[int, ...]:
    if name not in INPUT_SHAPES:
        raise KeyError(f"{name!r} is not a run-time input; inputs: {', '.join(INPUT_SHAPES)}")
    return INPUT_SHAPES[name]
