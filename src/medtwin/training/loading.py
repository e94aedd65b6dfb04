"""Reading a case (a bundled name or a YAML file) or a trainee script, refusing it whole.

`load_case` reads the YAML, finds the keys given twice, reads it into the format's models
(`medtwin.training.model`) and runs the semantic checks (`medtwin.training.checks`);
every problem found is reported at once, each with its line and the path of its key,
as `CaseError`. What is loaded is a `LoadedCase`: the case, where it came from, the
digest of its text (a run log names the case it was scored against) and its patient.
"""

from __future__ import annotations

import hashlib
import typing
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from medtwin.patients import Patient
from medtwin.problems import problem_line
from medtwin.training.errors import CaseError, Problem
from medtwin.training.model import Case, Script
from medtwin.training.positions import YamlPositions, path_text

Model = TypeVar("Model", bound=BaseModel)
CASES = resources.files("medtwin.training") / "cases"


@dataclass(frozen=True)
class LoadedCase:
    """A valid case with its patient, and where it came from."""

    case: Case
    patient: Patient
    label: str
    """The bundled name or the file path, as the user gave it."""
    sha256: str
    """Digest of the case file's text."""
    folder: Path | None
    """The folder of a case file (relative paths are read from it); None if bundled."""


def bundled_cases() -> dict[str, Path]:
    """The cases shipped with medtwin, by name."""
    return {
        Path(item.name).stem: Path(str(item))
        for item in CASES.iterdir()
        if item.name.endswith(".yaml")
    }


def case_path(spec: str | Path) -> tuple[Path, str]:
    """The file of a bundled case name or a path, and the label to report it by."""
    bundled = bundled_cases()
    if isinstance(spec, str) and spec in bundled:
        return bundled[spec], spec
    path = Path(spec)
    if not path.exists():
        names = ", ".join(sorted(bundled))
        raise CaseError(
            [Problem("", f"no such case file or bundled case (bundled: {names})")], str(spec)
        )
    return path, str(spec)


def load_case(spec: str | Path) -> LoadedCase:
    """The case `spec` names (a bundled case or a YAML file), checked whole."""
    from medtwin.training.checks import case_problems

    path, label = case_path(spec)
    text = read_text(path, label)
    positions, data = parse_yaml(text, label)
    case = read_model(Case, data, positions, label)
    folder = None if label in bundled_cases() else path.parent
    patient, problems = case_problems(case, folder)
    located = [Problem(path_text(p), message, positions.line(p)) for p, message in problems]
    if located:
        raise CaseError(sorted(located, key=lambda p: p.line or 0), label)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert patient is not None
    return LoadedCase(case, patient, label, digest, folder)


def load_script(path: str | Path, loaded: LoadedCase) -> Script:
    """A trainee script file (a mapping with `actions`, or a bare list of its entries),
    checked against `loaded`'s case."""
    from medtwin.training.checks import script_problems

    label = str(path)
    text = read_text(Path(path), label)
    positions, data = parse_yaml(text, label)
    offset: tuple[Any, ...] = ()
    if isinstance(data, list):
        data, offset = {"actions": data}, ("actions",)
    script = read_model(Script, data, positions, label, offset)
    problems = script_problems(script, loaded.case, loaded.patient, ())
    if problems:
        raise CaseError(
            [
                Problem(path_text(p), m, positions.line(p[len(offset) :] if offset else p))
                for p, m in problems
            ],
            label,
        )
    return script


def read_text(path: Path, label: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise CaseError([Problem("", f"cannot read the file ({error.strerror})")], label) from None
    except UnicodeDecodeError:
        raise CaseError([Problem("", "not a UTF-8 text file")], label) from None


def parse_yaml(text: str, label: str) -> tuple[YamlPositions, Any]:
    """The node tree and the data of a YAML text; keys given twice are refused."""
    try:
        positions = YamlPositions(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        what = getattr(error, "problem", None) or "cannot parse"
        line = mark.line + 1 if mark is not None else None
        raise CaseError([Problem("", f"not valid YAML: {what}", line)], label) from None
    except RecursionError:
        raise CaseError([Problem("", "nested too deeply to be a case file")], label) from None
    twice = positions.duplicate_keys()
    if twice:
        problems = [
            Problem(path, "is given twice (a key may appear once)", line) for path, line in twice
        ]
        raise CaseError(problems, label)
    return positions, data


def read_model(
    model: type[Model],
    data: Any,
    positions: YamlPositions,
    label: str,
    offset: tuple[Any, ...] = (),
) -> Model:
    """`data` read into `model`; every validation problem with its line and path."""
    if not isinstance(data, dict):
        shown = type(data).__name__ if data is not None else "an empty file"
        raise CaseError(
            [
                Problem(
                    "", f"expected a mapping of keys (a YAML file of key: value), got {shown}", 1
                )
            ],
            label,
        )
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            loc = tuple(item["loc"])
            parent = _model_at(model, loc[:-1]) if loc else model
            fields = parent.model_fields if parent is not None else {}
            inner = loc[-1:] if loc and isinstance(loc[-1], str) else ()
            where = loc[: len(loc) - len(inner)]
            message = _message(item, inner, fields)
            line_loc = loc[len(offset) :] if offset and loc[: len(offset)] == offset else loc
            problems.append(Problem(path_text(where), message, positions.line(line_loc)))
        raise CaseError(problems, label) from None


def _message(item: Any, inner: tuple[Any, ...], fields: dict) -> str:
    if item["type"] == "value_error" and isinstance(item.get("input"), dict):
        # a rule over a whole mapping (exactly one trigger): its words name the keys
        return ": ".join([*map(str, inner), str(item["ctx"]["error"])])
    if not inner:  # an item of a list: the path names it, the line says its value
        return problem_line({**item, "loc": ("_",)}, {}, noun="key").removeprefix("_ = ")
    return problem_line({**item, "loc": inner}, _aliased(fields), noun="key")


def _aliased(fields: dict) -> dict:
    """A model's fields by the names a file uses (`class`, not `action_class`)."""
    return {(info.alias or name): info for name, info in fields.items()}


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model whose fields the key at `loc` belongs to."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        fields = _aliased(current.model_fields)
        if part not in fields:
            continue
        current = _inner_model(fields[part].annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _inner_model(argument)
        if found is not None:
            return found
    return None
