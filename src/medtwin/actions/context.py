"""What an action may touch when it is applied, and what it may schedule.

`ActionContext` is handed to `ActionBase.apply`: the patient, the time, the engine's
run-time inputs for this patient (by name, `medtwin.physiology.inputs`), the drug
amounts in the patient's state, the `Treatments` book of what is running, and the
heart's rhythm state. A
`FollowUp` is an action the applied one schedules, such as the end of a bag of fluid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from medtwin.actions.base import ActionBase
    from medtwin.actions.treatments import Treatments
    from medtwin.patients import Patient
    from medtwin.physiology.heart import Heart
    from medtwin.physiology.inputs import EngineInputs


@dataclass(frozen=True)
class FollowUp:
    """`action`, to be applied `after_s` seconds after the action that scheduled it."""

    after_s: float
    action: ActionBase


@dataclass(frozen=True)
class ActionContext:
    """One patient of a batch, at `now_s`, as an action sees it."""

    patient: Patient
    now_s: float
    inputs: EngineInputs
    drug_amounts: np.ndarray
    """(DRUG_SLOTS, DRUG_STATES) view of the patient's drug amounts: central and two
    peripheral compartments, and the effect-site level."""
    treatments: Treatments
    heart: Heart
    """The patient's rhythm state (`physiology.heart`)."""
