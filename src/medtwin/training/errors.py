"""`CaseError`: every problem of a case, trainee script or run log, each with where it is.

A case file is refused whole, with one `Problem` a line: the file, the line, the path of
the key inside the file (`phases[2].transitions[0].to`) and what is wrong, in the house
style of `medtwin.problems` (the field, the value given, what is allowed).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: `path` inside it ('' for the whole file), its `line`
    (1-based; None when unknown) and the `message`."""

    path: str
    message: str
    line: int | None = None

    def text(self, label: str = "") -> str:
        """'FILE:LINE: path: message', leaving out what is not known."""
        where = label + (f":{self.line}" if self.line is not None else "")
        parts = [part for part in (where, self.path) if part]
        return ": ".join([*parts, self.message])


class CaseError(ValueError):
    """A refused case, trainee script or run log; `problems` holds every problem found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], label: str = "") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.label = label
        super().__init__("\n".join(problem.text(label) for problem in self.problems))

    def lines(self) -> list[str]:
        """One line a problem."""
        return [problem.text(self.label) for problem in self.problems]
