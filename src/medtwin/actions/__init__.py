"""Actions: what is done to a twin's patient, as typed, validated, readable orders.

>>> action = parse_order("norepinephrine 0.1 mcg/kg/min IV infusion")
>>> action
DrugInfusion(kind='drug_infusion', drug='norepinephrine', rate=0.1, unit='mcg/kg/min', route='IV')
>>> action.order()
'norepinephrine 0.1 mcg/kg/min IV infusion'

Every action is a frozen pydantic model in the `Action` union, keyed by `kind`; one
module per family (`drugs`, `fluids`, `haemorrhage`). An invalid action is refused with
an `ActionError` naming the field, the value and what is allowed, before anything is
applied. `resolve(action, patient)` turns an action into amounts and rates for one
patient and checks the drug library's limits. Timed orders ('60 s: stop haemorrhage')
and YAML files of them drive runs; the `EventLog` records what was applied, when and by
whom.

Adding a family (airway, ventilation, cardiac arrest, ...): write its models in a new
module deriving from `ActionBase`, add them to `Action` in `union`, give their orders a
grammar in `parser` and their effect in `resolve`.
"""

from medtwin.actions.base import ALLOWED_RANGES, ActionBase
from medtwin.actions.drugs import DrugBolus, DrugInfusion, StopDrugInfusion
from medtwin.actions.errors import ActionError
from medtwin.actions.fluid_table import FLUIDS, Fluid, UnknownFluidError, fluid
from medtwin.actions.fluids import FluidInfusion, StopFluid
from medtwin.actions.formatter import format_order, format_timed_order
from medtwin.actions.haemorrhage import SITES, Haemorrhage, StopHaemorrhage
from medtwin.actions.log import Event, EventLog
from medtwin.actions.parser import ACCEPTED_FORMS, parse_order
from medtwin.actions.resolve import (
    BleedRate,
    DrugDose,
    DrugRate,
    FluidRate,
    ResolvedAction,
    resolve,
)
from medtwin.actions.timed import load_actions_file, parse_time, parse_timed_order
from medtwin.actions.union import ACTION_TYPES, Action, action_from_dict
from medtwin.actions.units import BOLUS_UNITS, INFUSION_UNITS

__all__ = [
    "ACCEPTED_FORMS",
    "ACTION_TYPES",
    "ALLOWED_RANGES",
    "BOLUS_UNITS",
    "FLUIDS",
    "INFUSION_UNITS",
    "SITES",
    "Action",
    "ActionBase",
    "ActionError",
    "BleedRate",
    "DrugBolus",
    "DrugDose",
    "DrugInfusion",
    "DrugRate",
    "Event",
    "EventLog",
    "Fluid",
    "FluidInfusion",
    "FluidRate",
    "Haemorrhage",
    "ResolvedAction",
    "StopDrugInfusion",
    "StopFluid",
    "StopHaemorrhage",
    "UnknownFluidError",
    "action_from_dict",
    "fluid",
    "format_order",
    "format_timed_order",
    "load_actions_file",
    "parse_order",
    "parse_time",
    "parse_timed_order",
    "resolve",
]
