"""Finding and reading a hospital model: a bundled name or a YAML file, with `extends`.

A file may start from another model (`extends: treatment-centre`, or a path relative to
the file) and change parts of it: sections merge by entry and entries by field, so a
fragment can give one activity a new `duration` and leave the rest. `arrivals.profile`
names a CSV relative to the file that says it; it is read at load, so a loaded model
carries its data and can travel to Dask workers.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from medtwin.hospital.arrivals import read_profile_csv
from medtwin.hospital.errors import ModelError
from medtwin.hospital.model import HospitalModel

MODELS_DIR = Path(__file__).parent / "models"
YAML_SUFFIXES = (".yaml", ".yml")
MERGE_LEVELS = 3
"""Top-level sections, their entries, and the entries' fields merge; deeper values replace."""
MAX_EXTENDS_DEPTH = 10


def bundled_models() -> list[str]:
    """Names of the bundled models, sorted."""
    return sorted(path.stem for path in MODELS_DIR.glob("*.yaml"))


def load_model(spec: str | os.PathLike) -> HospitalModel:
    """The model `spec` names: a bundled name (`treatment-centre`) or a YAML file path."""
    data = _resolve(spec, Path.cwd(), depth=0)
    label = str(spec)
    try:
        return HospitalModel.model_validate(data)
    except ValidationError as error:
        raise ModelError(f"{label}: {describe_validation_error(error)}") from None


def model_from_dict(data: dict[str, Any], label: str = "model") -> HospitalModel:
    """Validate a model given as a mapping (inline arrival rates, no files)."""
    try:
        return HospitalModel.model_validate(data)
    except ValidationError as error:
        raise ModelError(f"{label}: {describe_validation_error(error)}") from None


def describe_validation_error(error: ValidationError) -> str:
    """The first problem pydantic found, as 'field.path: what is wrong (got value)'."""
    first = error.errors(include_url=False)[0]
    parts = [str(part) for part in first["loc"]]
    # a duration's path holds its distribution tag (duration.exponential.mean): drop it
    field = ".".join(p for i, p in enumerate(parts) if not (i and parts[i - 1] == "duration"))
    if first["type"] == "extra_forbidden":
        message = "unknown field"
    else:
        message = first["msg"].removeprefix("Value error, ")
    got = first.get("input")
    shown = "" if first["type"] in ("missing", "value_error") else f" (got {got!r:.80})"
    more = len(error.errors()) - 1
    suffix = f"; and {more} more problem{'s' * (more > 1)}" if more else ""
    return f"{field + ': ' if field else ''}{message}{shown}{suffix}"


def _resolve(spec: str | os.PathLike, relative_to: Path, depth: int) -> dict[str, Any]:
    """The merged raw mapping of `spec` and everything it extends."""
    if depth > MAX_EXTENDS_DEPTH:
        raise ModelError(f"{spec}: more than {MAX_EXTENDS_DEPTH} levels of 'extends' (a loop?)")
    path = _path_of(spec, relative_to)
    data = _read_yaml(path, str(spec))
    parent = data.pop("extends", None)
    _read_profile(data, path)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ModelError(f"{spec}: extends {parent!r} must be a model name or a file path")
    return merge(_resolve(parent, path.parent, depth + 1), data, MERGE_LEVELS)


def _path_of(spec: str | os.PathLike, relative_to: Path) -> Path:
    text = os.fspath(spec)
    if (
        isinstance(spec, os.PathLike)
        or "/" in text
        or os.sep in text
        or text.endswith(YAML_SUFFIXES)
    ):
        return relative_to / text
    if text in bundled_models():
        return MODELS_DIR / f"{text}.yaml"
    raise ModelError(
        f"unknown model {text!r}; bundled models: {', '.join(bundled_models())} "
        "(or give the path to a YAML file)"
    )


def _read_yaml(path: Path, label: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{label}: no such file") from None
    except OSError as error:
        raise ModelError(f"{label}: cannot read the file ({error.strerror})") from None
    except UnicodeDecodeError:
        raise ModelError(f"{label}: not a UTF-8 text file") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "cannot parse"
        raise ModelError(f"{label}: not valid YAML ({problem}{where})") from None
    if not isinstance(data, dict):
        raise ModelError(f"{label}: a model must be a mapping of section: value")
    return {str(key): value for key, value in data.items()}


def _read_profile(data: dict[str, Any], path: Path) -> None:
    """Replace `arrivals.profile` (a CSV path) by the rates it holds, in place."""
    arrivals = data.get("arrivals")
    if not isinstance(arrivals, dict) or "profile" not in arrivals:
        return
    if "rates_per_hour" in arrivals:
        raise ModelError(f"{path}: arrivals gives both a profile and rates_per_hour; give one")
    csv_path = path.parent / str(arrivals["profile"])
    start_hour, rates = read_profile_csv(csv_path)
    data["arrivals"] = {
        **arrivals,
        "profile": str(csv_path),
        "start_hour": start_hour,
        "rates_per_hour": rates,
    }


def merge(base: Any, change: Any, levels: int) -> Any:
    """`change` laid over `base`: mappings merge key by key for `levels` levels."""
    if levels <= 0 or not isinstance(base, dict) or not isinstance(change, dict):
        return change
    merged = dict(base)
    for key, value in change.items():
        merged[key] = merge(base[key], value, levels - 1) if key in base else value
    return merged
