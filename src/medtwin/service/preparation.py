"""Work an order needs that is too slow for the event loop, done first in a worker thread.

The first dose of a drug in a patient builds its PK parameters (`write_drug`). For a
drug published with a time to peak effect instead of a ke0 (fentanyl), that is a root
search over matrix exponentials (`pharmacology.ke0_for_peak_time`): 0.2-0.5 s on an
idle core and 13 s measured on the shared two-core machine under load, when OpenBLAS's
threads compete for the cores (benchmarks/service_load.py; docs/security.md). Run on
the event loop, it stopped every session and stream of the server for that long (the
"whole-server pause" of issue 11). The parameters are cached per patient and model
(`lru_cache`), so computing them here, in a worker thread, before the twin is given the
order leaves the loop only the cached look-up.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from medtwin import pharmacology
from medtwin.actions import Action
from medtwin.twin import Twin


def drug_models(twin: Twin, actions: Iterable[Action]) -> list[tuple[str, str | None]]:
    """The (drug, PK model) of every drug in `actions` the twin has not been given yet,
    read on the loop (the twin's choice of model is the loop's to change)."""
    given = twin.treatments.slots
    wanted = {getattr(action, "drug", None) for action in actions} - {None, *given}
    return [(name, twin.treatments.models.get(name)) for name in sorted(wanted)]


def prepare_drugs(twin: Twin, drugs: list[tuple[str, str | None]]) -> None:
    """Compute (and so cache) the PK parameters of `drugs` for the twin's patient; run it
    in a worker thread. A drug, model or patient the library refuses (each error a
    ValueError) is left for the order itself to refuse, with its own message."""
    for name, model in drugs:
        with contextlib.suppress(ValueError):
            pharmacology.drug(name).model(model).parameters(twin.patient)
