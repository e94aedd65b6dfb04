"""A mechanical ventilator: 'ventilator VC rate 14 VT 450 mL PEEP 5 FiO2 0.5'.

Volume control (VC) delivers a set tidal volume, pressure control (PC) a set inspiratory
pressure above PEEP for a set time, both assist-control (the patient's own effort
triggers a breath); CPAP holds a continuous pressure while the patient breathes,
pressure support (PS) adds a set pressure above PEEP to each breath the patient takes
(none if the patient does not breathe), and SIMV gives mandatory breaths at the set rate,
volume-controlled (`VT`) or pressure-controlled (`Pinsp`, PC-SIMV), synchronised to the
patient's effort, with pressure support (`PS`) for the patient's own breaths between
them. The FiO2 is the gas the ventilator gives (room air, 0.21, unless set).

Every mode also takes the trigger sensitivity ('trigger 2 L/min', a flow, or 'trigger
-2 cmH2O', a pressure: `DEFAULT_TRIGGER_FLOW_L_PER_MIN` unless set) and the alarm
limits ('Phigh 40 cmH2O', 'MVlow 3 L/min', 'apnoea 20 s': the defaults below). The
engine's `physiology.ventilation` pushes the gas, `physiology.ventilator` times the
breaths and `physiology.ventilator_alarms` raises the alarms; a new order replaces the
settings, 'ventilator off' (a `StopVentilation`) takes the ventilator away.
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.formatter import format_number
from medtwin.actions.grammar import NUMBER, not_understood, number
from medtwin.actions.registry import register
from medtwin.actions.settings import read_settings, write_settings
from medtwin.physiology.ventilation import (
    MODE_CPAP,
    MODE_PRESSURE,
    MODE_SIMV,
    MODE_SUPPORT,
    MODE_VOLUME,
)

Mode = Literal["VC", "PC", "CPAP", "PS", "SIMV"]
MODE_INPUTS = {"VC": MODE_VOLUME, "PC": MODE_PRESSURE, "CPAP": MODE_CPAP, "PS": MODE_SUPPORT,
               "SIMV": MODE_SIMV}  # fmt: skip
ROOM_AIR_FIO2 = 0.21
DEFAULT_TRIGGER_FLOW_L_PER_MIN = 2.0
"""Sassoon CSH. Respir Care 2011;56:39 (flow triggers are set at a few L/min, pressure
triggers at -1 to -2 cmH2O: sensitive enough for a normal effort, not so sensitive
that the circuit's noise triggers breaths)."""
DEFAULT_HIGH_PRESSURE_CMH2O = 40.0
DEFAULT_LOW_MINUTE_VOLUME_L_PER_MIN = 3.0
DEFAULT_APNOEA_S = 20.0
"""Factory default alarm limits of the Dräger Apollo (Operator's Manual, part number
90 38 237: airway pressure above 40 cmH2O, minute volume below 3.0 L/min, apnoea after
20 s); ISO 80601-2-12 requires these alarms of a critical care ventilator."""
_ORDER = re.compile(r"ventilator (?P<mode>vc|pc|cpap|ps|simv)(?P<settings>.*)")
_ALARM_SETTINGS = {
    "phigh": ("high_pressure_alarm_cmH2O", r"cmh2o"),
    "mvlow": ("low_minute_volume_alarm_L_per_min", r"l/min"),
    "apnoea": ("apnoea_alarm_s", r"s"),
    "apnea": ("apnoea_alarm_s", r"s"),
}
_SETTINGS = {
    "rate": ("rate_per_min", r"/min|per min"),
    "vt": ("tidal_volume_mL", r"ml"),
    "pinsp": ("inspiratory_pressure_cmH2O", r"cmh2o"),
    "peep": ("peep_cmH2O", r"cmh2o"),
    "fio2": ("fio2", ""),
    "ti": ("inspiratory_time_s", r"s"),
    "ps": ("pressure_support_cmH2O", r"cmh2o"),
    **_ALARM_SETTINGS,
}
_TRIGGER = re.compile(rf"(?:^|\s)trigger\s*(?P<value>{NUMBER})\s*(?P<unit>l/min|cmh2o)?(?=\s|$)")
_CPAP_LEVEL = re.compile(r"\s*(?P<level>[0-9.]+)\s*cmh2o(?P<settings>.*)")
VENTILATION_INPUTS = ("VENT_MODE", "VENT_RATE", "VENT_VT", "VENT_PINSP", "VENT_PS", "VENT_PEEP",
                      "VENT_TI", "VENT_FIO2", "VENT_DELIVERED", "VENT_TRIGGER",
                      "VENT_HIGH_PRESSURE", "VENT_LOW_MV", "VENT_APNOEA_S",
                      "VENT_DISCONNECTED")  # fmt: skip
"""The engine inputs a breathing device sets (cleared when it stops)."""


def clear_ventilation(inputs) -> None:
    """No breathing device, trigger, alarm limits or disconnection in the engine inputs."""
    for name in VENTILATION_INPUTS:
        inputs[name] = 0.0


_NEEDS = {
    "VC": {"rate_per_min", "tidal_volume_mL"},
    "PC": {"rate_per_min", "inspiratory_pressure_cmH2O"},
    "CPAP": set(),
    "PS": {"inspiratory_pressure_cmH2O"},
    "SIMV": {"rate_per_min", "tidal_volume_mL"},
}
_SIMV_PRESSURE_CONTROLLED = {"rate_per_min", "inspiratory_pressure_cmH2O"}
"""What PC-SIMV needs instead of SIMV's rate and tidal volume."""


@register
class Ventilator(ActionBase):
    """A ventilator in `mode` with its settings: breaths at `rate_per_min` of
    `tidal_volume_mL` (VC, SIMV) or `inspiratory_pressure_cmH2O` above PEEP for
    `inspiratory_time_s` (PC, PC-SIMV), over `peep_cmH2O`, giving `fio2`; in SIMV,
    `pressure_support_cmH2O` on the patient's own breaths. The trigger is a flow
    (`trigger_flow_L_per_min`) or a pressure drop (`trigger_pressure_cmH2O`, negative);
    the alarm limits are high airway pressure, low exhaled minute volume and apnoea
    time (defaults above when not given)."""

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
    pressure_support_cmH2O: float | None = Field(
        None, ge=0, le=40, json_schema_extra={"unit": "cmH2O"}
    )
    trigger_flow_L_per_min: float | None = Field(
        None, ge=0.5, le=15, json_schema_extra={"unit": "L/min"}
    )
    trigger_pressure_cmH2O: float | None = Field(
        None, ge=-20, le=-0.5, json_schema_extra={"unit": "cmH2O"}
    )
    high_pressure_alarm_cmH2O: float | None = Field(
        None, ge=10, le=80, json_schema_extra={"unit": "cmH2O"}
    )
    low_minute_volume_alarm_L_per_min: float | None = Field(
        None, ge=0, le=30, json_schema_extra={"unit": "L/min"}
    )
    apnoea_alarm_s: float | None = Field(None, ge=5, le=60, json_schema_extra={"unit": "s"})

    forms = (
        "ventilator VC rate <n> VT <v> mL [PEEP <p>] [FiO2 <f>] [Ti <t> s]",
        "ventilator PC rate <n> Pinsp <p> cmH2O [PEEP <p>] [FiO2 <f>] [Ti <t> s]",
        "ventilator CPAP <p> cmH2O [FiO2 <f>]",
        "ventilator PS <p> cmH2O [PEEP <p>] [FiO2 <f>]",
        "ventilator SIMV rate <n> VT <v> mL [PS <p> cmH2O] [PEEP <p>] [FiO2 <f>] [Ti <t> s]",
        "ventilator SIMV rate <n> Pinsp <p> cmH2O [PS <p> cmH2O] [PEEP <p>] [FiO2 <f>] [Ti <t> s]",
        "ventilator <mode> ... [trigger <f> L/min | trigger -<p> cmH2O] [Phigh <p> cmH2O] "
        "[MVlow <v> L/min] [apnoea <t> s]",
    )
    examples = (
        "ventilator VC rate 14 VT 450 mL PEEP 5 FiO2 0.5",
        "ventilator PC rate 14 Pinsp 15 cmH2O PEEP 5 FiO2 0.5 Ti 1 s",
        "ventilator CPAP 5 cmH2O FiO2 0.4",
        "ventilator PS 10 cmH2O PEEP 5 FiO2 0.4",
        "ventilator SIMV rate 8 VT 450 mL PS 10 cmH2O PEEP 5 FiO2 0.4",
        "ventilator SIMV rate 10 Pinsp 15 cmH2O PS 8 cmH2O PEEP 5 FiO2 0.4 Ti 1 s",
        "ventilator PS 8 cmH2O PEEP 5 trigger -2 cmH2O apnoea 15 s",
        "ventilator VC rate 14 VT 450 mL PEEP 5 trigger 3 L/min Phigh 35 cmH2O MVlow 4 L/min",
    )
    refusals = (
        "ventilator VC rate 14",
        "ventilator VC rate 14 VT 9000 mL",
        "ventilator PC rate 14 Pinsp 15 cmH2O FiO2 3",
        "ventilator PS 60 cmH2O PEEP 5",
        "ventilator SIMV rate 8 PS 10 cmH2O",
        "ventilator SIMV rate 8 VT 450 mL Pinsp 15 cmH2O",
        "ventilator VC rate 14 VT 450 mL PS 10 cmH2O",
        "ventilator PS 10 cmH2O trigger 2 cmH2O",
        "ventilator PS 10 cmH2O trigger 50 L/min",
        "ventilator VC rate 14 VT 450 mL Phigh 5 cmH2O",
    )
    parse_priority = 20

    @model_validator(mode="after")
    def _settings_for_the_mode(self) -> Self:
        settings = ("rate_per_min", "tidal_volume_mL", "inspiratory_pressure_cmH2O")
        given = {name for name in settings if getattr(self, name) is not None}
        needed = _NEEDS[self.mode]
        if self.mode == "SIMV" and self.tidal_volume_mL is None and self.inspiratory_pressure_cmH2O:
            needed = _SIMV_PRESSURE_CONTROLLED
        if given != needed:
            missing = ", ".join(sorted(needed - given)) or "none"
            extra = ", ".join(sorted(given - needed)) or "none"
            pc_simv = " (or inspiratory_pressure_cmH2O for PC-SIMV)" if self.mode == "SIMV" else ""
            raise ValueError(
                f"mode = {self.mode!r} needs {', '.join(sorted(needed)) or 'no rate or volume'}"
                f"{pc_simv} (missing: {missing}; not for this mode: {extra})"
            )
        if self.mode in ("CPAP", "PS") and self.inspiratory_time_s is not None:
            raise ValueError(f"mode = {self.mode!r} takes no inspiratory_time_s")
        if self.mode != "SIMV" and self.pressure_support_cmH2O is not None:
            raise ValueError(
                f"pressure_support_cmH2O = {self.pressure_support_cmH2O:g} is for SIMV only "
                f"(mode = {self.mode!r}; pressure support alone is 'ventilator PS <p> cmH2O')"
            )
        if self.trigger_flow_L_per_min is not None and self.trigger_pressure_cmH2O is not None:
            raise ValueError(
                "trigger is a flow (L/min) or a pressure (cmH2O), not both: "
                f"trigger_flow_L_per_min = {self.trigger_flow_L_per_min:g}, "
                f"trigger_pressure_cmH2O = {self.trigger_pressure_cmH2O:g}"
            )
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
        settings, trigger = _read_trigger(text, match["settings"])
        if mode in ("CPAP", "PS"):
            level = _CPAP_LEVEL.fullmatch(settings)
            if level is None:
                raise not_understood(text, _LEVEL_FORMS[mode])
            wanted = {"fio2": _SETTINGS["fio2"], **_ALARM_SETTINGS}
            if mode == "PS":
                wanted["peep"] = _SETTINGS["peep"]
            values = read_settings(text, level["settings"], wanted)
            field = "peep_cmH2O" if mode == "CPAP" else "inspiratory_pressure_cmH2O"
            values[field] = float(level["level"])
            return cls(mode=mode, **values, **trigger)
        return cls(mode=mode, **read_settings(text, settings, _SETTINGS), **trigger)

    def order(self) -> str:
        fio2 = None if self.fio2 == ROOM_AIR_FIO2 else self.fio2
        peep = self.peep_cmH2O or None
        if self.mode == "CPAP":
            head = f"ventilator CPAP {format_number(self.peep_cmH2O)} cmH2O"
            settings = [("FiO2", fio2, "")]
        elif self.mode == "PS":
            head = f"ventilator PS {format_number(self.inspiratory_pressure_cmH2O)} cmH2O"
            settings = [("PEEP", peep, ""), ("FiO2", fio2, "")]
        else:
            head = f"ventilator {self.mode}"
            settings = [
                ("rate", self.rate_per_min, ""), ("VT", self.tidal_volume_mL, "mL"),
                ("Pinsp", self.inspiratory_pressure_cmH2O, "cmH2O"),
                ("PS", self.pressure_support_cmH2O, "cmH2O"),
                ("PEEP", peep, ""), ("FiO2", fio2, ""), ("Ti", self.inspiratory_time_s, "s"),
            ]  # fmt: skip
        settings += [
            ("trigger", self.trigger_flow_L_per_min, "L/min"),
            ("trigger", self.trigger_pressure_cmH2O, "cmH2O"),
            ("Phigh", self.high_pressure_alarm_cmH2O, "cmH2O"),
            ("MVlow", self.low_minute_volume_alarm_L_per_min, "L/min"),
            ("apnoea", self.apnoea_alarm_s, "s"),
        ]  # fmt: skip
        return f"{head} {write_settings(settings)}".strip()

    def apply(self, context: ActionContext) -> list[FollowUp]:
        inputs = context.inputs
        inputs["VENT_MODE"] = MODE_INPUTS[self.mode]
        inputs["VENT_RATE"] = self.rate_per_min or 0.0
        inputs["VENT_VT"] = self.tidal_volume_mL or 0.0
        inputs["VENT_PINSP"] = self.inspiratory_pressure_cmH2O or 0.0
        inputs["VENT_PS"] = self.pressure_support_cmH2O or 0.0
        inputs["VENT_PEEP"] = self.peep_cmH2O
        inputs["VENT_TI"] = self.inspiratory_time_s or 0.0
        inputs["VENT_FIO2"] = self.fio2
        inputs["VENT_DELIVERED"] = 1.0
        write_alarm_settings(inputs, self)
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"ventilation"})


_LEVEL_FORMS = {
    "CPAP": "CPAP is 'ventilator CPAP <p> cmH2O [FiO2 <f>]'",
    "PS": "pressure support is 'ventilator PS <p> cmH2O [PEEP <p>] [FiO2 <f>]'",
}


def _read_trigger(text: str, settings: str) -> tuple[str, dict[str, float]]:
    """The settings without their 'trigger <x> [L/min|cmH2O]', and the trigger as a
    field: a flow if in L/min or positive without a unit, else a pressure."""
    found = list(_TRIGGER.finditer(settings))
    if not found:
        return settings, {}
    if len(found) > 1:
        raise not_understood(text, "'trigger' is given twice")
    match = found[0]
    value = number(match["value"])
    pressure = match["unit"] == "cmh2o" or (match["unit"] is None and value < 0)
    field = "trigger_pressure_cmH2O" if pressure else "trigger_flow_L_per_min"
    return settings[: match.start()] + " " + settings[match.end() :], {field: value}


def write_alarm_settings(inputs, ventilator: Ventilator) -> None:
    """Write the trigger and alarm limits of `ventilator`'s order, or their defaults,
    into the engine inputs (the circuit stays as connected as it was)."""
    pressure = ventilator.trigger_pressure_cmH2O
    flow = ventilator.trigger_flow_L_per_min or DEFAULT_TRIGGER_FLOW_L_PER_MIN
    inputs["VENT_TRIGGER"] = pressure if pressure is not None else flow
    high = ventilator.high_pressure_alarm_cmH2O
    inputs["VENT_HIGH_PRESSURE"] = high or DEFAULT_HIGH_PRESSURE_CMH2O
    low = ventilator.low_minute_volume_alarm_L_per_min
    inputs["VENT_LOW_MV"] = DEFAULT_LOW_MINUTE_VOLUME_L_PER_MIN if low is None else low
    inputs["VENT_APNOEA_S"] = ventilator.apnoea_alarm_s or DEFAULT_APNOEA_S
