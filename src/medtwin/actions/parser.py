"""Read a readable order back into an action: `parse_order("propofol 2 mg/kg IV bolus")`.

Names of drugs and fluids (and their aliases) are matched without regard to case;
spacing is free; numbers may be written 0.1, 1e3 or 1,000; 'IV' is optional; 'ug' and
'µg' mean 'mcg'. Text that is read but refused (a negative dose, an unknown drug, a unit
that does not fit) raises the model's `ActionError`; text that is not understood raises
one that says what was expected and lists the accepted forms.
"""

import re

from medtwin import pharmacology
from medtwin.actions.drugs import DrugBolus, DrugInfusion, StopDrugInfusion
from medtwin.actions.errors import ActionError
from medtwin.actions.fluid_table import FLUID_NAME_KEYS, name_key
from medtwin.actions.fluids import FluidInfusion, StopFluid
from medtwin.actions.haemorrhage import Haemorrhage, StopHaemorrhage
from medtwin.actions.union import Action
from medtwin.actions.units import INFUSION_UNITS, normalise_unit
from medtwin.pharmacology import DoseError, to_seconds

ACCEPTED_FORMS: tuple[str, ...] = (
    "<drug> <dose> <unit> [IV] bolus        propofol 2 mg/kg IV bolus",
    "<drug> <rate> <unit> [IV] infusion     norepinephrine 0.1 mcg/kg/min IV infusion",
    "stop <drug> infusion                   stop norepinephrine infusion",
    "<fluid> <volume> mL over <time>        lactated Ringer's 1000 mL over 15 min",
    "<fluid> <rate> mL/h                    normal saline 125 mL/h",
    "stop <fluid>                           stop normal saline",
    "haemorrhage <rate> mL/min [for <time>] [from <site> site]   haemorrhage 150 mL/min",
    "haemorrhage <volume> mL over <time> [from <site> site]      haemorrhage 500 mL over 10 min",
    "stop haemorrhage [from <site> site]    stop haemorrhage",
)
"""The orders `parse_order` reads, each with an example."""

NUMBER = r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?|[+-]?(?:nan|inf)"
"""A number as orders write it: 2, 0.1, .5, 1e3, 1,000, -2 (refused later), nan, inf."""

_DURATION = rf"(?P<duration>{NUMBER})\s*(?P<duration_unit>[a-z]+)"
_SITE = r"(?: from (?P<site>[a-z]+)(?: site)?)?"
_HAEMORRHAGE_WORDS = r"(?:haemorrhage|hemorrhage|bleeding|blood loss)"
_ROUTE = r"(?: (?P<route>iv|im|sc|sq|po|pr|io|in|sl))?"

_STOP_HAEMORRHAGE = re.compile(rf"stop {_HAEMORRHAGE_WORDS}{_SITE}")
_STOP = re.compile(r"stop (?P<what>.+?)(?: iv)?(?: infusion)?")
_BLEED_RATE = re.compile(
    rf"{_HAEMORRHAGE_WORDS} (?P<rate>{NUMBER})\s*ml/min(?: for {_DURATION})?{_SITE}"
)
_BLEED_VOLUME = re.compile(
    rf"{_HAEMORRHAGE_WORDS} (?P<volume>{NUMBER})\s*ml over {_DURATION}{_SITE}"
)
_FLUID_DOSE = re.compile(rf"(?P<number>{NUMBER})\s*(?P<unit>[^\s]+)(?: iv)?(?P<tail>.*)")
_FLUID_OVER = re.compile(rf" over {_DURATION}")
_VOLUME_ORDER = re.compile(rf"(?P<name>.+?) (?:{NUMBER})\s*ml(?:/h|/hr)?(?: .*)?")
_DRUG = re.compile(
    rf"(?P<drug>.+?) (?P<number>{NUMBER})\s*(?P<unit>[^\s]+){_ROUTE}(?: (?P<form>bolus|infusion))?"
)


def number(text: str) -> float:
    """The value of a number as orders write it ('1,000' is 1000.0)."""
    return float(text.replace(",", ""))


def _not_understood(text: str, reason: str) -> ActionError:
    forms = "\n".join(("accepted orders:", *(f"  {form}" for form in ACCEPTED_FORMS)))
    return ActionError(f"order {text!r} not understood: {reason}", hint=forms)


def _minutes(match: re.Match, text: str) -> float | None:
    """Minutes in the captured `duration` and `duration_unit`, None if absent."""
    if match["duration"] is None:
        return None
    try:
        minutes_per_unit = to_seconds(1.0, match["duration_unit"]) / 60.0
    except DoseError as error:
        raise _not_understood(text, str(error)) from None
    return number(match["duration"]) * minutes_per_unit  # exact for 'min': formats read back


def _stop(key: str) -> Action:
    if match := _STOP_HAEMORRHAGE.fullmatch(key):
        return StopHaemorrhage(site=match["site"])
    what = _STOP.fullmatch(key)["what"]
    if what in FLUID_NAME_KEYS:
        return StopFluid(fluid=what)
    if _is_drug(what):
        return StopDrugInfusion(drug=what)
    problems = []
    for model, field in ((StopDrugInfusion, "drug"), (StopFluid, "fluid")):
        try:
            model(**{field: what})
        except ActionError as error:
            problems += error.problems
    raise ActionError(f"stop {what!r}: neither a drug nor a fluid", *problems)


def _haemorrhage(text: str, key: str) -> Action:
    if match := _BLEED_RATE.fullmatch(key):
        rate, minutes = number(match["rate"]), _minutes(match, text)
        site = {"site": match["site"]} if match["site"] else {}
        return Haemorrhage(rate_mL_per_min=rate, duration_min=minutes, **site)
    if match := _BLEED_VOLUME.fullmatch(key):
        volume, minutes = number(match["volume"]), _minutes(match, text)
        site = {"site": match["site"]} if match["site"] else {}
        return Haemorrhage(volume_mL=volume, duration_min=minutes, **site)
    raise _not_understood(
        text, "a haemorrhage is '<rate> mL/min [for <time>]' or '<volume> mL over <time>'"
    )


def _fluid(text: str, name: str, rest: str) -> Action:
    forms = f"after {name!r} give '<volume> mL over <time>' or '<rate> mL/h'"
    match = _FLUID_DOSE.fullmatch(rest)
    if match is None:
        raise _not_understood(text, forms)
    amount, unit, tail = number(match["number"]), normalise_unit(match["unit"]), match["tail"]
    if unit == "mL/h" and not tail:
        return FluidInfusion(fluid=name, rate_mL_per_h=amount)
    if unit == "mL" and (over := _FLUID_OVER.fullmatch(tail)):
        return FluidInfusion(fluid=name, volume_mL=amount, duration_min=_minutes(over, text))
    if unit not in ("mL", "mL/h"):
        raise _not_understood(text, f"unit {match['unit']!r} does not fit a fluid; {forms}")
    raise _not_understood(text, forms)


def _is_drug(name: str) -> bool:
    try:
        pharmacology.drug(name)
    except pharmacology.UnknownDrugError:
        return False
    return True


def _drug(text: str, key: str) -> Action:
    match = _DRUG.fullmatch(key)
    if match is None:
        raise _not_understood(text, "expected a drug, fluid or haemorrhage order")
    unit = normalise_unit(match["unit"])
    form = match["form"] or ("infusion" if unit in INFUSION_UNITS else "bolus")
    route = {"route": match["route"].upper()} if match["route"] else {}
    amount = number(match["number"])
    if form == "infusion":
        return DrugInfusion(drug=match["drug"], rate=amount, unit=unit, **route)
    return DrugBolus(drug=match["drug"], dose=amount, unit=unit, **route)


def parse_order(text: str) -> Action:
    """The action that the readable order `text` describes.

    >>> parse_order("Norepinephrine 0.1 mcg/kg/min infusion").order()
    'norepinephrine 0.1 mcg/kg/min IV infusion'
    """
    if not isinstance(text, str) or not text.strip():
        raise _not_understood(str(text), "an order is a non-empty line of text")
    key = name_key(text).rstrip(".")
    if key.startswith("stop "):
        return _stop(key)
    if re.match(_HAEMORRHAGE_WORDS + r"\b", key):
        return _haemorrhage(text, key)
    for name in FLUID_NAME_KEYS:
        if key.startswith(name + " "):
            return _fluid(text, name, key[len(name) + 1 :])
    volume = _VOLUME_ORDER.fullmatch(key)
    if volume and not _is_drug(name := volume["name"]):  # an unknown fluid, refused by name
        return _fluid(text, name, key[len(name) + 1 :])
    return _drug(text, key)
