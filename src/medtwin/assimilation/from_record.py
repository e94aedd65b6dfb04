"""From a FHIR record to a calibrated twin: the one call the CLI and the service make."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from medtwin.assimilation.calibration import Calibrator
from medtwin.assimilation.targets import targets_from_values
from medtwin.assimilation.twin_file import twin_document
from medtwin.interop.record import BundleSource, read_record


def twin_from_fhir(
    bundle: BundleSource,
    reference_bundles: Iterable[BundleSource] = (),
    *,
    as_of: datetime | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Read a patient's Bundle, fit the twin to their recent vitals, and return the twin
    file's document (`twin_file`). Raises `InteropError` for a bundle that cannot be
    read, naming the resource."""
    record = read_record(bundle, reference_bundles, as_of=as_of)
    targets = targets_from_values(record.vitals)
    calibration = Calibrator(seed=seed).fit(record.patient(), targets)
    return twin_document(record, calibration)
