"""Reading statements back from JSON lines (what `medtwin case run --xapi` writes).

Each non-blank line must be one statement that passes `validation.statement_problems`;
every line that does not is reported with its number and its problems, at once, as
`CaseError`, and nothing is returned. Any text at all gives statements or that error.
"""

from __future__ import annotations

import json
from typing import Any

from medtwin.training.errors import CaseError, Problem
from medtwin.training.xapi.validation import statement_problems

MAX_PROBLEMS_PER_LINE = 3


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def read_statements(text: str, label: str = "statements") -> list[dict[str, Any]]:
    """The statements of `text`, one a line; `CaseError` naming each bad line."""
    statements, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            statement = json.loads(line, parse_constant=_reject_constant)
        except json.JSONDecodeError as error:
            problems.append(Problem("", f"not JSON ({error.msg})", number))
            continue
        except (ValueError, RecursionError) as error:
            problems.append(Problem("", f"not JSON ({error})", number))
            continue
        found = statement_problems(statement)
        for message in found[:MAX_PROBLEMS_PER_LINE]:
            problems.append(Problem("", message, number))
        if len(found) > MAX_PROBLEMS_PER_LINE:
            more = len(found) - MAX_PROBLEMS_PER_LINE
            problems.append(Problem("", f"and {more} more problems", number))
        if not found:
            statements.append(statement)
    if problems:
        raise CaseError(problems, label)
    return statements
