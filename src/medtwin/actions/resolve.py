"""An action made concrete for one patient: amounts, rates per second, end times.

`resolve(action, patient)` is what the twin calls before applying an action. Doses per
kg become amounts for the patient's weight, and the drug library's sanity limits are
checked here, where the weight is known: 50 g of fentanyl is refused, with the amount it
comes to and the limit. Stopping is a rate of zero, so the engine has four effects to
apply: add a drug amount, set a drug rate, set a fluid rate, set a bleeding rate.
Times are seconds after the moment the action is applied.
"""

from dataclasses import dataclass

from medtwin import pharmacology
from medtwin.actions.drugs import DrugBolus, DrugInfusion, StopDrugInfusion
from medtwin.actions.errors import ActionError
from medtwin.actions.fluid_table import Fluid, fluid
from medtwin.actions.fluids import FluidInfusion, StopFluid
from medtwin.actions.formatter import format_number
from medtwin.actions.haemorrhage import Haemorrhage, Site, StopHaemorrhage
from medtwin.actions.union import Action
from medtwin.patients import Patient
from medtwin.pharmacology import to_amount, to_rate_per_s


@dataclass(frozen=True)
class DrugDose:
    """Add `amount` (in the drug's `amount_unit`, mg or mcg) to the drug's central
    compartment now; it adds to whatever an infusion has given."""

    drug: str
    amount: float
    amount_unit: str


@dataclass(frozen=True)
class DrugRate:
    """Set the drug's infusion to `rate_per_s` (`amount_unit` per second); 0 stops it."""

    drug: str
    rate_per_s: float
    amount_unit: str


@dataclass(frozen=True)
class FluidRate:
    """Run `fluid` at `rate_mL_per_s` until `end_s` (None: until stopped); 0 stops it."""

    fluid: Fluid
    rate_mL_per_s: float
    end_s: float | None


@dataclass(frozen=True)
class BleedRate:
    """Lose blood from `site` at `rate_mL_per_s` until `end_s` (None: until stopped).

    A rate of 0 stops the bleeding at `site`, or at every site when `site` is None.
    """

    site: Site | None
    rate_mL_per_s: float
    end_s: float | None


ResolvedAction = DrugDose | DrugRate | FluidRate | BleedRate


def _checked(action: DrugBolus | DrugInfusion, patient: Patient) -> tuple[float, str]:
    """The amount (bolus) or amount per second (infusion) for `patient`, in the drug's
    amount unit; refused above the library's limit."""
    drug = pharmacology.drug(action.drug)
    weight = patient.weight_kg
    try:
        if isinstance(action, DrugBolus):
            value = f"dose = {format_number(action.dose)} {action.unit}"
            size = to_amount(action.dose, action.unit, weight, drug.amount_unit)
            drug.check_bolus(size, weight)
        else:
            value = f"rate = {format_number(action.rate)} {action.unit}"
            size = to_rate_per_s(action.rate, action.unit, weight, drug.amount_unit)
            drug.check_infusion(size, weight)
    except pharmacology.DoseError as error:
        raise ActionError(f"{value} of {drug.name} for a {weight:g} kg patient: {error}") from None
    return size, drug.amount_unit


def resolve(action: Action, patient: Patient) -> ResolvedAction:
    """What `action` does to `patient`, in absolute amounts and rates per second.

    Raises `ActionError` if a dose or rate is above the drug library's limit.
    """
    match action:
        case DrugBolus():
            return DrugDose(action.drug, *_checked(action, patient))
        case DrugInfusion():
            return DrugRate(action.drug, *_checked(action, patient))
        case StopDrugInfusion():
            return DrugRate(action.drug, 0.0, pharmacology.drug(action.drug).amount_unit)
        case FluidInfusion(rate_mL_per_h=None):
            rate = action.volume_mL / (action.duration_min * 60.0)
            return FluidRate(fluid(action.fluid), rate, action.duration_min * 60.0)
        case FluidInfusion():
            return FluidRate(fluid(action.fluid), action.rate_mL_per_h / 3600.0, None)
        case StopFluid():
            return FluidRate(fluid(action.fluid), 0.0, None)
        case Haemorrhage():
            end_s = None if action.duration_min is None else action.duration_min * 60.0
            if action.rate_mL_per_min is None:
                return BleedRate(action.site, action.volume_mL / end_s, end_s)
            return BleedRate(action.site, action.rate_mL_per_min / 60.0, end_s)
        case StopHaemorrhage():
            return BleedRate(action.site, 0.0, None)
    raise TypeError(f"resolve: {type(action).__name__} is not an action")
