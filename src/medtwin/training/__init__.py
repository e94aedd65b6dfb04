"""Training: executable cases that score a trainee's actions on a twin, and teach.

A case is one YAML file (`medtwin.training.model`, checked by `load_case`): the patient,
the starting insults, phases as a state machine, the actions expected in each with
their windows and classes, the critical errors, the scoring and the debrief. The runner
plays it on a `Twin` with a scripted trainee and writes a run log; scoring reads only
that log; the debrief is an offline HTML report; a what-if forks the run at a moment
and plays another action. docs/training.md explains the format for educators.
"""

from medtwin.training.errors import CaseError, Problem
from medtwin.training.loading import LoadedCase, bundled_cases, load_case, load_script
from medtwin.training.model import Case, Script

__all__ = [
    "Case",
    "CaseError",
    "LoadedCase",
    "Problem",
    "Script",
    "bundled_cases",
    "load_case",
    "load_script",
]
