"""What every `medtwin` command shares at the terminal: a user's error is one line and
exit code 2, never a traceback; an output folder must exist before a run starts."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

errors = Console(stderr=True)


def fail(message: str) -> typer.Exit:
    """Print a one-line error and return the exit to raise."""
    errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def check_output(path: Path | None, option: str) -> None:
    """Refuse an output file whose folder does not exist, naming the option."""
    if path is not None and not path.parent.resolve().is_dir():
        raise fail(f"{option} {path}: folder {path.parent} does not exist")
