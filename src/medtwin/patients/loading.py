"""Finding a patient: by name in the bundled library, or from a YAML file.

A named patient is a YAML file in `medtwin/patients/library/`, named by its file stem
(`standard-male`). Anything that looks like a path (has a directory separator or a
`.yaml`/`.yml`/`.json` suffix, or is an `os.PathLike`) is read as a file instead. A
`.json` file is a twin file (written by `medtwin twin from-fhir`, see
`medtwin.assimilation.twin_file`): its `patient` object is the patient.
"""

import os
from collections.abc import Mapping
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from medtwin.data_files import read_data_file
from medtwin.patients.model import Patient, PatientError

_LIBRARY = files("medtwin.patients") / "library"
_YAML_SUFFIXES = (".yaml", ".yml")
_TWIN_FILE_SUFFIX = ".json"


def named_patients() -> list[str]:
    """Names of the patients in the bundled library, sorted."""
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in _LIBRARY.iterdir()
        if entry.name.endswith(".yaml")
    )


def patient_from_dict(data: Any) -> Patient:
    """Build a `Patient` from a mapping of field names to values, as read from YAML."""
    if not isinstance(data, Mapping):
        raise PatientError(
            f"a patient must be a mapping of field: value, got {type(data).__name__}"
        )
    return Patient(**{str(key): value for key, value in data.items()})


def load_patient(spec: str | os.PathLike | Patient) -> Patient:
    """The patient `spec` names: a `Patient` as is, a library name, or a YAML file path."""
    if isinstance(spec, Patient):
        return spec
    if isinstance(spec, os.PathLike) or _looks_like_path(spec):
        path = Path(spec)
        if path.suffix.lower() == _TWIN_FILE_SUFFIX:
            return _load_twin_file(path, str(path))
        return _load_yaml(path, str(path))
    if spec in named_patients():
        return _load_yaml(_LIBRARY / f"{spec}.yaml", f"named patient {spec!r}")
    raise PatientError(
        f"unknown patient {spec!r}; named patients: {', '.join(named_patients())} "
        "(or give the path to a YAML file)"
    )


def _looks_like_path(spec: str) -> bool:
    return os.sep in spec or "/" in spec or spec.endswith((*_YAML_SUFFIXES, _TWIN_FILE_SUFFIX))


def _load_yaml(source: Path | Traversable, label: str) -> Patient:
    """Read and validate one patient file; every problem is reported against `label`."""
    data = read_data_file(source, label, "yaml", "a patient file", PatientError)
    try:
        return patient_from_dict(data)
    except PatientError as error:
        raise PatientError(*(f"{label}: {problem}" for problem in error.problems)) from None


def _load_twin_file(source: Path, label: str) -> Patient:
    """The patient of a twin file: the JSON object under its `patient` key."""
    data = read_data_file(source, label, "json", "a twin file", PatientError)
    if not isinstance(data, dict) or "patient" not in data:
        raise PatientError(f"{label}: a twin file must be a JSON object with a 'patient' object")
    try:
        return patient_from_dict(data["patient"])
    except PatientError as error:
        raise PatientError(
            *(f"{label}: patient: {problem}" for problem in error.problems)
        ) from None
