"""A mechanical ventilator: 'ventilator VC rate 14 VT 450 mL PEEP 5 FiO2 0.5'.

Volume control (VC) delivers a set tidal volume, pressure control (PC) a set inspiratory
pressure above PEEP for a set time, both assist-control (the patient's own effort
triggers a breath); CPAP holds a continuous pressure while the patient breathes, and
pressure support (PS) adds a set pressure above PEEP to each breath the patient takes
(none if the patient does not breathe). The
FiO2 is the gas the ventilator gives (room air, 0.21, unless set). The engine's
`physiology.ventilation` pushes the gas; a new order replaces the settings, 'ventilator
off' (a `StopVentilation`) disconnects it.
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.formatter import format_number
from medtwin.actions.grammar import not_understood
from medtwin.actions.registry import register
from medtwin.actions.settings import read_settings, write_settings
from medtwin.physiology.ventilation import MODE_CPAP, MODE_PRESSURE, MODE_SUPPORT, MODE_VOLUME

Mode = Literal["VC", "PC", "CPAP", "PS"]
MODE_INPUTS = {"VC": MODE_VOLUME, "PC": MODE_PRESSURE, "CPAP": MODE_CPAP, "PS": MODE_SUPPORT}
ROOM_AIR_FIO2 = 0.21
_ORDER = re.compile(r"ventilator (?P<mode>vc|pc|cpap|ps)(?P<settings>.*)")
_SETTINGS = {
    "rate": ("rate_per_min", r"/min|per min"),
    "vt": ("tidal_volume_mL", r"ml"),
    "pinsp": ("inspiratory_pressure_cmH2O", r"cmh2o"),
    "peep": ("peep_cmH2O", r"cmh2o"),
    "fio2": ("fio2", ""),
    "ti": ("inspiratory_time_s", r"s"),
}
_CPAP_LEVEL = re.compile(r"\s*(?P<level>[0-9.]+)\s*cmh2o(?P<settings>.*)")
VENTILATION_INPUTS = ("VENT_MODE", "VENT_RATE", "VENT_VT", "VENT_PINSP", "VENT_PEEP",
                      "VENT_TI", "VENT_FIO2", "VENT_DELIVERED")  # fmt: skip
"""The engine inputs a breathing device sets (cleared when it stops)."""
_NEEDS = {
    "VC": {"rate_per_min", "tidal_volume_mL"},
    "PC": {"rate_per_min", "inspiratory_pressure_cmH2O"},
    "CPAP": set(),
    "PS": {"inspiratory_pressure_cmH2O"},
}


@register
class Ventilator(ActionBase):
    """A ventilator in `mode` with its settings: breaths at `rate_per_min` of
    `tidal_volume_mL` (VC) or `inspiratory_pressure_cmH2O` above PEEP for
    `inspiratory_time_s` (PC), over `peep_cmH2O`, giving `fio2`."""

    kind: Literal["ventilator"] = "ventilator"
    insult: ClassVar[bool] = False
    mode: Mode
    rate_per_min: float | None = Field(None, ge=4, le=60, json_schema_extra={"unit": "/min"})
    tidal_volume_mL: float | None = Field(None, ge=50, le=1500, json_schema_extra={"unit": "mL"})
    inspiratory_pressure_cmH2O: float | None = Field(
        None, gt=0, le=50, json_schema_extra={"unit": "cmH2O"}
    )
    peep_cmH2O: float = Field(0.0, ge=0, le=25, json_schema_extra={"unit": "cmH2O"})
    fio2: float = Field(ROOM_AIR_FIO2, ge=0.21, le=1.0, json_schema_extra={"unit": ""})
    inspiratory_time_s: float | None = Field(None, ge=0.3, le=3.0,
                                             json_schema_extra={"unit": "s"})  # fmt: skip

    forms = (
        "ventilator VC rate <n> VT <v> mL [PEEP <p>] [FiO2 <f>] [Ti <t> s]",
        "ventilator PC rate <n> Pinsp <p> cmH2O [PEEP <p>] [FiO2 <f>] [Ti <t> s]",
        "ventilator CPAP <p> cmH2O [FiO2 <f>]",
        "ventilator PS <p> cmH2O [PEEP <p>] [FiO2 <f>]",
    )
    examples = (
        "ventilator VC rate 14 VT 450 mL PEEP 5 FiO2 0.5",
        "ventilator PC rate 14 Pinsp 15 cmH2O PEEP 5 FiO2 0.5 Ti 1 s",
        "ventilator CPAP 5 cmH2O FiO2 0.4",
        "ventilator PS 10 cmH2O PEEP 5 FiO2 0.4",
    )
    refusals = (
        "ventilator VC rate 14",
        "ventilator VC rate 14 VT 9000 mL",
        "ventilator PC rate 14 Pinsp 15 cmH2O FiO2 3",
        "ventilator PS 60 cmH2O PEEP 5",
    )
    parse_priority = 20

    @model_validator(mode="after")
    def _settings_for_the_mode(self) -> Self:
        settings = ("rate_per_min", "tidal_volume_mL", "inspiratory_pressure_cmH2O")
        given = {name for name in settings if getattr(self, name) is not None}
        needed = _NEEDS[self.mode]
        if given != needed:
            missing = ", ".join(sorted(needed - given)) or "none"
            extra = ", ".join(sorted(given - needed)) or "none"
            raise ValueError(
                f"mode = {self.mode!r} needs {', '.join(sorted(needed)) or 'no rate or volume'}"
                f" (missing: {missing}; not for this mode: {extra})"
            )
        if self.mode in ("CPAP", "PS") and self.inspiratory_time_s is not None:
            raise ValueError(f"mode = {self.mode!r} takes no inspiratory_time_s")
        if self.rate_per_min is not None and self.inspiratory_time_s is not None:
            cycle_s = 60.0 / self.rate_per_min
            if self.inspiratory_time_s >= 0.8 * cycle_s:
                raise ValueError(
                    f"inspiratory_time_s = {self.inspiratory_time_s:g} is not allowed: must "
                    f"be under 80 % of the {cycle_s:.3g} s breath at rate_per_min = "
                    f"{self.rate_per_min:g}"
                )
        return self

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        match = _ORDER.fullmatch(key)
        if match is None:
            return None
        mode = match["mode"].upper()
        settings = match["settings"]
        if mode == "CPAP":
            level = _CPAP_LEVEL.fullmatch(settings)
            if level is None:
                raise not_understood(text, "CPAP is 'ventilator CPAP <p> cmH2O [FiO2 <f>]'")
            values = read_settings(text, level["settings"], {"fio2": _SETTINGS["fio2"]})
            return cls(mode=mode, peep_cmH2O=float(level["level"]), **values)
        if mode == "PS":
            level = _CPAP_LEVEL.fullmatch(settings)
            if level is None:
                raise not_understood(
                    text, "pressure support is 'ventilator PS <p> cmH2O [PEEP <p>] [FiO2 <f>]'"
                )
            wanted = {name: _SETTINGS[name] for name in ("peep", "fio2")}
            values = read_settings(text, level["settings"], wanted)
            return cls(mode=mode, inspiratory_pressure_cmH2O=float(level["level"]), **values)
        return cls(mode=mode, **read_settings(text, settings, _SETTINGS))

    def order(self) -> str:
        fio2 = None if self.fio2 == ROOM_AIR_FIO2 else self.fio2
        if self.mode == "CPAP":
            level = format_number(self.peep_cmH2O)
            return f"ventilator CPAP {level} cmH2O {write_settings([('FiO2', fio2, '')])}".strip()
        if self.mode == "PS":
            level = format_number(self.inspiratory_pressure_cmH2O)
            rest = write_settings([("PEEP", self.peep_cmH2O or None, ""), ("FiO2", fio2, "")])
            return f"ventilator PS {level} cmH2O {rest}".strip()
        settings = write_settings([
            ("rate", self.rate_per_min, ""), ("VT", self.tidal_volume_mL, "mL"),
            ("Pinsp", self.inspiratory_pressure_cmH2O, "cmH2O"),
            ("PEEP", self.peep_cmH2O or None, ""),
            ("FiO2", fio2, ""),
            ("Ti", self.inspiratory_time_s, "s"),
        ])  # fmt: skip
        return f"ventilator {self.mode} {settings}"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        inputs = context.inputs
        inputs["VENT_MODE"] = MODE_INPUTS[self.mode]
        inputs["VENT_RATE"] = self.rate_per_min or 0.0
        inputs["VENT_VT"] = self.tidal_volume_mL or 0.0
        inputs["VENT_PINSP"] = self.inspiratory_pressure_cmH2O or 0.0
        inputs["VENT_PEEP"] = self.peep_cmH2O
        inputs["VENT_TI"] = self.inspiratory_time_s or 0.0
        inputs["VENT_FIO2"] = self.fio2
        inputs["VENT_DELIVERED"] = 1.0
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"ventilation"})
