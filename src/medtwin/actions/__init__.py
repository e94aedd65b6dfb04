"""Actions: what is done to a twin's patient, as typed, validated, readable orders.

>>> action = parse_order("norepinephrine 0.1 mcg/kg/min IV infusion")
>>> action
DrugInfusion(kind='drug_infusion', drug='norepinephrine', rate=0.1, unit='mcg/kg/min', route='IV')
>>> action.order()
'norepinephrine 0.1 mcg/kg/min IV infusion'

Every action kind is one module in `medtwin.actions.kinds`, deriving from `ActionBase`
and registered in `KINDS` (`medtwin.actions.registry`): its fields with their limits, its
grammar, its order text and its effect on a twin. An invalid action is refused with an
`ActionError` naming the field, the value and what is allowed, before anything is
applied. Timed orders ('60 s: stop haemorrhage') and YAML files of them drive runs; the
`EventLog` records what was applied, when, by whom and why. See docs/extending.md.
"""

from medtwin.actions import kinds as _kinds  # noqa: F401  (registers every kind)
from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.errors import ActionError
from medtwin.actions.fluid_table import FLUIDS, Fluid, UnknownFluidError, fluid
from medtwin.actions.formatter import format_timed_order
from medtwin.actions.kinds.drug_bolus import DrugBolus
from medtwin.actions.kinds.drug_infusion import DrugInfusion
from medtwin.actions.kinds.fluid_infusion import FluidInfusion
from medtwin.actions.kinds.haemorrhage import SITES, Haemorrhage
from medtwin.actions.kinds.stop_drug_infusion import StopDrugInfusion
from medtwin.actions.kinds.stop_fluid import StopFluid
from medtwin.actions.kinds.stop_haemorrhage import StopHaemorrhage
from medtwin.actions.limits import field_limits
from medtwin.actions.log import Event, EventLog
from medtwin.actions.parser import parse_order
from medtwin.actions.registry import KINDS, accepted_forms, action_from_dict, register
from medtwin.actions.timed import load_actions_file, parse_time, parse_timed_order
from medtwin.actions.treatments import Treatments
from medtwin.actions.units import BOLUS_UNITS, INFUSION_UNITS

Action = ActionBase
"""Any action (the type of every registered kind)."""

__all__ = [
    "BOLUS_UNITS",
    "FLUIDS",
    "INFUSION_UNITS",
    "KINDS",
    "SITES",
    "Action",
    "ActionBase",
    "ActionContext",
    "ActionError",
    "DrugBolus",
    "DrugInfusion",
    "Event",
    "EventLog",
    "Fluid",
    "FluidInfusion",
    "FollowUp",
    "Haemorrhage",
    "StopDrugInfusion",
    "StopFluid",
    "StopHaemorrhage",
    "Treatments",
    "UnknownFluidError",
    "accepted_forms",
    "action_from_dict",
    "field_limits",
    "fluid",
    "format_timed_order",
    "load_actions_file",
    "parse_order",
    "parse_time",
    "parse_timed_order",
    "register",
]
