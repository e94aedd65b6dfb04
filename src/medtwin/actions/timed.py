"""Orders with a time: '60s: haemorrhage 100 mL/min', and YAML files of them.

A time is seconds after the start of the run: '60', '60 s', '1.5 min', '2 h' or
'00:10:00' (hours:minutes:seconds). An actions file is a YAML list whose entries are
timed orders ('- 60 s: haemorrhage 100 mL/min', quoted or not) or mappings
`{at: <time or seconds>, order: <order>}` (or `{at: ..., action: {kind: ..., ...}}`,
the form `action.model_dump()` gives).
"""

import math
import os
import re
from pathlib import Path
from typing import Any

import yaml

from medtwin.actions.base import ActionBase
from medtwin.actions.errors import ActionError
from medtwin.actions.grammar import NUMBER, number
from medtwin.actions.parser import parse_order
from medtwin.actions.registry import action_from_dict
from medtwin.pharmacology import DoseError, to_seconds

TIME_FORMS = "60 s, 1.5 min, 2 h, 00:10:00 (a bare number is seconds)"
_CLOCK = r"\d+:\d{1,2}:\d{1,2}(?:\.\d*)?"
_TIME = re.compile(rf"(?P<clock>{_CLOCK})|(?P<number>{NUMBER})\s*(?P<unit>[a-z]*)", re.I)
_TIMED = re.compile(rf"\s*(?P<time>{_CLOCK}|(?:{NUMBER})\s*[a-z]*)\s*:\s*(?P<order>.*)", re.I)


def parse_time(text: str) -> float:
    """Seconds in a time such as '60 s', '1.5 min', '2 h', '00:10:00' or '90'."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise ActionError(f"time {text!r} not understood; write it like: {TIME_FORMS}")
    if match["clock"]:
        hours, minutes, seconds = (float(part) for part in match["clock"].split(":"))
        if minutes >= 60 or seconds >= 60:
            raise ActionError(f"time {text!r}: minutes and seconds of hh:mm:ss must be below 60")
        return hours * 3600.0 + minutes * 60.0 + seconds
    try:
        seconds_per_unit = to_seconds(1.0, match["unit"]) if match["unit"] else 1.0
    except DoseError as error:
        raise ActionError(f"time {text!r}: {error}; write it like: {TIME_FORMS}") from None
    return _checked_seconds(number(match["number"]) * seconds_per_unit, text)


def _checked_seconds(seconds: float, given: Any) -> float:
    if not math.isfinite(seconds) or seconds < 0:
        raise ActionError(f"time {given!r} is not allowed: must be a finite time >= 0 s")
    return float(seconds)


def parse_timed_order(text: str) -> tuple[float, ActionBase]:
    """The time in seconds and the action of '<time>: <order>'.

    >>> parse_timed_order("10 min: stop haemorrhage")
    (600.0, StopHaemorrhage(kind='stop_haemorrhage', site=None))
    """
    match = _TIMED.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ActionError(
            f"timed order {text!r} not understood: write '<time>: <order>', e.g. "
            f"'60 s: haemorrhage 100 mL/min'; times: {TIME_FORMS}"
        )
    return parse_time(match["time"]), parse_order(match["order"])


def _seconds(at: Any) -> float:
    if isinstance(at, int | float) and not isinstance(at, bool):
        return _checked_seconds(at, at)
    return parse_time(str(at))


def _entry(entry: Any) -> tuple[float, ActionBase]:
    if isinstance(entry, str):
        return parse_timed_order(entry)
    if not isinstance(entry, dict):
        raise ActionError(
            f"{entry!r} is neither a timed order ('60 s: <order>') nor a mapping "
            "{at: <time>, order: <order>}"
        )
    keys = set(entry)
    if len(keys) == 1 and not keys & {"at", "order", "action"}:
        # YAML reads an unquoted '- 60 s: haemorrhage 100 mL/min' as {'60 s': '...'}.
        ((at, order),) = entry.items()
        return _seconds(at), parse_order(order)
    if keys - {"at", "order", "action"} or "at" not in keys or len(keys) != 2:
        raise ActionError(
            f"keys {', '.join(map(str, entry))} do not fit: give 'at' with either 'order' "
            "(text) or 'action' (a mapping with 'kind')"
        )
    if "action" in entry:
        return _seconds(entry["at"]), action_from_dict(entry["action"])
    return _seconds(entry["at"]), parse_order(entry["order"])


def load_actions_file(path: str | os.PathLike) -> list[tuple[float, ActionBase]]:
    """The timed actions of a YAML file, sorted by time (ties keep the file's order).

    Every problem is reported at once, each naming the file and the entry number.
    """
    path = Path(path)
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ActionError(f"{path}: cannot read the actions file ({error.strerror})") from None
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}" if where else ""
        raise ActionError(f"{path}: not valid YAML{line}: {error}") from None
    except UnicodeDecodeError:
        raise ActionError(f"{path}: not a UTF-8 text file") from None
    except RecursionError:
        raise ActionError(f"{path}: nested too deeply to be an actions file") from None
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ActionError(f"{path}: expected a YAML list of timed orders, e.g. '- 60 s: <order>'")
    timed, problems, hints = [], [], {}
    for index, entry in enumerate(entries, start=1):
        try:
            timed.append(_entry(entry))
        except ActionError as error:
            problems += [f"{path}, entry {index}: {problem}" for problem in error.problems]
            hints[error.hint] = None
    if problems:
        raise ActionError(*problems, hint="\n".join(h for h in hints if h) or None)
    return sorted(timed, key=lambda item: item[0])
