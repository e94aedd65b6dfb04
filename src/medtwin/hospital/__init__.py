"""The hospital operations twin: a discrete-event simulation of patient flow (SimPy).

Front door:

    from medtwin.hospital import load_model, run_replications, compare_scenarios
    model = load_model("treatment-centre")
    results = run_replications(model, 30, seed=0, cluster="serial")
    results.intervals()            # KPI means with 95 % confidence intervals
    compare_scenarios(model, ["exam=4", "arrivals*1.2"], 30)

Models are YAML data (`medtwin/hospital/models/`); see docs/hospital.md.
"""

from medtwin.hospital.compare import compare_scenarios
from medtwin.hospital.errors import ModelError
from medtwin.hospital.experiment import Results, run_replications
from medtwin.hospital.loading import bundled_models, load_model, model_from_dict
from medtwin.hospital.model import HospitalModel
from medtwin.hospital.scenarios import apply_scenario
from medtwin.hospital.simulation import simulate

__all__ = [
    "HospitalModel",
    "ModelError",
    "Results",
    "apply_scenario",
    "bundled_models",
    "compare_scenarios",
    "load_model",
    "model_from_dict",
    "run_replications",
    "simulate",
]
