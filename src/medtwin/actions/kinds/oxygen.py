"""Oxygen for a patient who breathes: 'oxygen nasal cannula 2 L/min', 'oxygen
non-rebreather 15 L/min', 'oxygen facemask FiO2 1.0', 'oxygen high-flow 50 L/min FiO2
0.6'.

Each device fills part of every breath with its gas, from its flow during inspiration
and its reservoir, the rest coming from the room (`physiology.ventilation.inspired_o2`);
so the FiO2 it gives falls as the patient breathes harder. A ventilator or bag, while
on, gives its own FiO2 instead. A new order replaces the device; 'stop oxygen' takes it
off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Self

from pydantic import Field, model_validator

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.registry import register
from medtwin.actions.settings import read_settings, write_settings

OXYGEN_INPUTS = ("O2_FLOW", "O2_RESERVOIR", "O2_SOURCE_FIO2", "O2_ENTRAINMENT")
"""The engine inputs an oxygen device sets (cleared by 'stop oxygen')."""
ML_PER_S_PER_L_PER_MIN = 1000.0 / 60.0


@dataclass(frozen=True)
class Device:
    """How a device delivers: its flow range (L/min), whether its FiO2 is set (a blender
    or an anaesthetic circuit) or is pure O2, its reservoir (mL), the share of every
    breath it leaves to the room, and the flow it runs at when its FiO2 is set."""

    flow_range: tuple[float, float] | None
    fio2_set: bool
    reservoir_mL: float
    entrainment: float
    source: str
    fixed_flow: float = 0.0


DEVICES: dict[str, Device] = {
    "nasal cannula": Device(
        (0.5, 6.0),
        False,
        50.0,
        0.0,
        "kacmarek2016egan (the nose and pharynx hold about 50 mL, refilled between "
        "breaths); Wettstein RB et al. Respir Care 2005;50:604 (0.26-0.54 at 1-6 L/min)",
    ),
    "non-rebreather": Device(
        (10.0, 15.0),
        False,
        1000.0,
        0.1,
        "kacmarek2016egan (a 1 L reservoir bag kept full by 10-15 L/min; with a tight "
        "fit the FiO2 approaches 0.9, the mask's leak letting in room air)",
    ),
    "facemask": Device(
        None,
        True,
        2000.0,
        0.0,
        "a tight anaesthesia face mask on a circuit with a 2 L bag: the patient breathes "
        "the set FiO2 (preoxygenation; Benumof JL. Anesthesiology 1999;91:603)",
        fixed_flow=10.0,
    ),
    "high-flow": Device(
        (10.0, 60.0),
        True,
        50.0,
        0.0,
        "Ritchie JE et al. Anaesth Intensive Care 2011;39:1103 (high-flow nasal oxygen "
        "at 30 L/min or more gives close to the set FiO2, less at lower flows as the "
        "patient draws room air)",
    ),
}
"""The oxygen devices and their sources."""
_WORDS = {"nasal cannula": "nasal cannula", "nasal prongs": "nasal cannula",
          "cannula": "nasal cannula", "non-rebreather": "non-rebreather",
          "non-rebreather mask": "non-rebreather", "non rebreather": "non-rebreather",
          "nrb": "non-rebreather", "facemask": "facemask", "face mask": "facemask",
          "high-flow": "high-flow", "high flow": "high-flow", "hfno": "high-flow",
          "high-flow nasal oxygen": "high-flow"}  # fmt: skip
_ORDER = re.compile(
    r"oxygen (?P<device>"
    + "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True))
    + r")(?P<settings>.*)"
)
_SETTINGS = {"fio2": ("fio2", "")}
_FLOW = re.compile(r"\s*(?P<flow>[0-9.]+)\s*l/min(?P<rest>.*)")


@register
class Oxygen(ActionBase):
    """Oxygen by `device` at `flow_L_per_min`, or at a set `fio2` (facemask, high-flow)."""

    kind: Literal["oxygen"] = "oxygen"
    device: Literal["nasal cannula", "non-rebreather", "facemask", "high-flow"]
    flow_L_per_min: float | None = Field(None, gt=0, le=60, json_schema_extra={"unit": "L/min"})
    fio2: float | None = Field(None, ge=0.21, le=1.0, json_schema_extra={"unit": ""})

    forms = (
        "oxygen nasal cannula <f> L/min",
        "oxygen non-rebreather <f> L/min",
        "oxygen facemask FiO2 <f>",
        "oxygen high-flow <f> L/min FiO2 <f>",
    )
    examples = (
        "oxygen nasal cannula 2 L/min",
        "oxygen non-rebreather 15 L/min",
        "oxygen facemask FiO2 1",
        "oxygen high-flow 50 L/min FiO2 0.6",
    )
    refusals = ("oxygen nasal cannula 12 L/min", "oxygen facemask 5 L/min", "oxygen tent")
    parse_priority = 20

    @model_validator(mode="after")
    def _fits_the_device(self) -> Self:
        spec = DEVICES[self.device]
        if spec.flow_range is None and self.flow_L_per_min is not None:
            raise ValueError(f"device = {self.device!r} takes an FiO2, not a flow_L_per_min")
        if spec.flow_range is not None:
            low, high = spec.flow_range
            flow = self.flow_L_per_min
            if flow is None or not low <= flow <= high:
                raise ValueError(
                    f"flow_L_per_min = {flow!r} is not allowed for device = "
                    f"{self.device!r}: must be at least {low:g} and at most {high:g} L/min"
                )
        if spec.fio2_set != (self.fio2 is not None):
            need = "needs an FiO2" if spec.fio2_set else "gives pure O2 (no FiO2 to set)"
            raise ValueError(f"device = {self.device!r} {need} (fio2 = {self.fio2!r})")
        return self

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        if not key.startswith("oxygen "):
            return None
        match = _ORDER.fullmatch(key)
        if match is None:
            from medtwin.actions.grammar import not_understood

            devices = ", ".join(DEVICES)
            raise not_understood(text, f"oxygen is given by a device: {devices}")
        settings = match["settings"]
        flow = None
        if (flow_match := _FLOW.match(settings)) is not None:
            flow, settings = float(flow_match["flow"]), flow_match["rest"]
        values = read_settings(text, settings, _SETTINGS)
        return cls(device=_WORDS[match["device"]], flow_L_per_min=flow, **values)

    def order(self) -> str:
        flow = write_settings([("", self.flow_L_per_min, "L/min")]).strip()
        fio2 = write_settings([("FiO2", self.fio2, "")])
        return " ".join(part for part in ("oxygen", self.device, flow, fio2) if part)

    def apply(self, context: ActionContext) -> list[FollowUp]:
        spec = DEVICES[self.device]
        flow = self.flow_L_per_min if self.flow_L_per_min is not None else spec.fixed_flow
        inputs = context.inputs
        inputs["O2_FLOW"] = flow * ML_PER_S_PER_L_PER_MIN
        inputs["O2_RESERVOIR"] = spec.reservoir_mL
        inputs["O2_SOURCE_FIO2"] = self.fio2 if self.fio2 is not None else 1.0
        inputs["O2_ENTRAINMENT"] = spec.entrainment
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"oxygen"})
