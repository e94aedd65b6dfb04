"""Reading a YAML or JSON file a user gives (a patient, a twin file, a FHIR Bundle): one
line naming the file and what is wrong, never a parser's traceback."""

from __future__ import annotations

import json
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

import yaml


def read_data_file(
    source: Path | Traversable,
    label: str,
    syntax: Literal["yaml", "json"],
    what: str,
    error: type[ValueError],
) -> Any:
    """The parsed content of `source`; `error(f"{label}: ...")` if it cannot be read as
    `syntax` (`what` names the kind of file, e.g. 'a patient file')."""
    try:
        text = source.read_text(encoding="utf-8")
        return yaml.safe_load(text) if syntax == "yaml" else json.loads(text)
    except OSError as problem:
        raise error(f"{label}: cannot read the file ({problem.strerror})") from None
    except UnicodeDecodeError:
        raise error(f"{label}: not a UTF-8 text file") from None
    except yaml.YAMLError as problem:
        raise error(f"{label}: not valid YAML ({_yaml_problem(problem)})") from None
    except json.JSONDecodeError as problem:
        raise error(f"{label}: not valid JSON ({problem.msg} at line {problem.lineno})") from None
    except RecursionError:
        raise error(f"{label}: nested too deeply to be {what}") from None


def _yaml_problem(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or "cannot parse"
    return f"{problem} at line {mark.line + 1}" if mark is not None else problem
