"""The glucose–insulin twin: type 1 diabetes virtual patients, devices and controllers.

A batch of virtual patients of the Dalla Man et al. meal model in its type 1 form (the
UVA/Padova structure) advances minute by minute in one compiled step, under a
controller (basal, basal–bolus, PID or a plug-in), a CGM sensor and an insulin pump:

>>> from medtwin.glucose import Scenario, load_virtual_patients, parse_meals, simulate
>>> run = simulate(load_virtual_patients("adult#001"),
...                Scenario(parse_meals("7:00 45g, 12:00 70g, 18:00 80g")))
>>> run.metrics()["time_in_range_70_180_percent"].round().tolist()  # doctest: +SKIP
[100.0]

The names below are imported on first use (the command line loads no compiled code).
"""

from medtwin.lazy import lazy_exports

_HOME = {
    "Controller": "medtwin.glucose.controllers",
    "make_controller": "medtwin.glucose.controllers",
    "register_controller": "medtwin.glucose.controllers",
    "generate_virtual_patients": "medtwin.glucose.generator",
    "MealError": "medtwin.glucose.meals",
    "parse_meals": "medtwin.glucose.meals",
    "GlucosePatientError": "medtwin.glucose.parameters",
    "VirtualPatients": "medtwin.glucose.parameters",
    "load_virtual_patients": "medtwin.glucose.parameters",
    "patient_names": "medtwin.glucose.parameters",
    "GlucoseRun": "medtwin.glucose.simulation",
    "Scenario": "medtwin.glucose.simulation",
    "simulate": "medtwin.glucose.simulation",
}

__all__ = [
    "Controller",
    "GlucosePatientError",
    "GlucoseRun",
    "MealError",
    "Scenario",
    "VirtualPatients",
    "generate_virtual_patients",
    "load_virtual_patients",
    "make_controller",
    "parse_meals",
    "patient_names",
    "register_controller",
    "simulate",
]

__getattr__, __dir__ = lazy_exports(__name__, globals(), _HOME)
