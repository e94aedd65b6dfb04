"""What-if scenarios as short texts, applied to a model to give a new, validated model.

A scenario is one or more changes separated by commas:
- `exam=4`: a resource's count at the start of the run (a whole number, or `unlimited`);
- `arrivals*1.2`: every hourly arrival rate times 1.2; `arrivals*1.2@11-14`: only the
  rates of the clock hours from 11:00 to 14:00;
- `examination.mean=12`: a parameter of an activity's service-time distribution.
"""

from __future__ import annotations

import math
import re
from typing import Any

from medtwin.hospital.errors import ModelError
from medtwin.hospital.loading import model_from_dict
from medtwin.hospital.model import HospitalModel

NAME = r"[A-Za-z_][A-Za-z0-9_]*"
NUMBER = r"[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?"
COUNT_CHANGE = re.compile(rf"({NAME})=([0-9]+|unlimited)")
ARRIVALS_CHANGE = re.compile(rf"arrivals\*({NUMBER})(?:@([0-9]+)-([0-9]+))?")
PARAMETER_CHANGE = re.compile(rf"({NAME})\.({NAME})=(-?(?:{NUMBER}))")
FORMS = "RESOURCE=COUNT, arrivals*FACTOR[@HOUR-HOUR] or ACTIVITY.PARAMETER=VALUE"


def apply_scenario(model: HospitalModel, scenario: str) -> HospitalModel:
    """`model` with the changes of `scenario` made, validated again."""
    data = model.model_dump(by_alias=True)
    changes = [part.strip() for part in scenario.split(",")]
    if not scenario.strip() or not all(changes):
        raise ModelError(f"scenario {scenario!r}: empty change; give {FORMS}")
    for change in changes:
        _apply_change(data, change, model)
    return model_from_dict(data, label=f"scenario {scenario!r}")


def _apply_change(data: dict[str, Any], change: str, model: HospitalModel) -> None:
    if match := ARRIVALS_CHANGE.fullmatch(change):
        _scale_arrivals(data, change, float(match[1]), match[2], match[3])
    elif match := COUNT_CHANGE.fullmatch(change):
        name, count = match[1], match[2]
        if name not in model.resources:
            raise ModelError(
                f"scenario change {change!r}: {name!r} is not a resource; resources: "
                f"{', '.join(model.resources)}"
            )
        data["resources"][name]["count"] = count if count == "unlimited" else int(count)
    elif match := PARAMETER_CHANGE.fullmatch(change):
        _set_parameter(data, change, model, match[1], match[2], float(match[3]))
    else:
        raise ModelError(f"scenario change {change!r} is not understood; use {FORMS}")


def _scale_arrivals(
    data: dict[str, Any], change: str, factor: float, first: str | None, last: str | None
) -> None:
    if not math.isfinite(factor) or factor < 0:
        raise ModelError(f"scenario change {change!r}: factor must be a finite number >= 0")
    arrivals = data["arrivals"]
    hours = range(24) if first is None else range(int(first), int(last))
    if first is not None and not 0 <= int(first) < int(last) <= 24:
        raise ModelError(
            f"scenario change {change!r}: hours {first}-{last} must be clock hours with "
            "0 <= first < last <= 24"
        )
    start = arrivals["start_hour"]
    arrivals["rates_per_hour"] = [
        rate * factor if (start + row) % 24 in hours else rate
        for row, rate in enumerate(arrivals["rates_per_hour"])
    ]


def _set_parameter(
    data: dict[str, Any], change: str, model: HospitalModel, activity: str, key: str, value: float
) -> None:
    if activity not in model.activities:
        raise ModelError(
            f"scenario change {change!r}: {activity!r} is not an activity; activities: "
            f"{', '.join(model.activities)}"
        )
    duration = data["activities"][activity]["duration"]
    parameters = [name for name in duration if name != "distribution"]
    if key not in parameters:
        raise ModelError(
            f"scenario change {change!r}: the {duration['distribution']} duration of "
            f"{activity} has parameters {', '.join(parameters)}"
        )
    duration[key] = value
