"""In-silico trials: a cohort of twins, a protocol per arm, outcomes per arm with CIs.

`load_trial(path)` validates TRIAL.yaml, `run_trial(trial, cluster=...)` runs every arm
over the cohort through `medtwin.scale.run_jobs` (Dask), `summarise` gives the mean and
95 % confidence interval of every outcome per arm, `differences` each arm's paired
difference from the reference arm, and `trial_citations` the works a trial uses.
Glucose twins (`medtwin.glucose`) and cardiopulmonary twins (`medtwin.Twin`, run as
batches by `trials.cohort`) are both supported.
"""

from medtwin.lazy import lazy_exports

_HOME = {
    "run_trial": "medtwin.trials.runner",
    "TrialError": "medtwin.trials.spec",
    "load_trial": "medtwin.trials.spec",
    "parse_trial": "medtwin.trials.spec",
    "trial_citations": "medtwin.trials.sources",
    "differences": "medtwin.trials.summary",
    "summarise": "medtwin.trials.summary",
}

__all__ = [
    "TrialError",
    "differences",
    "load_trial",
    "parse_trial",
    "run_trial",
    "summarise",
    "trial_citations",
]

__getattr__, __dir__ = lazy_exports(__name__, globals(), _HOME)
