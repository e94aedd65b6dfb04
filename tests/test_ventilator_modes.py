"""SIMV, trigger sensitivity, a disconnected circuit and the ventilator's alarms.

Sources: Tobin MJ. Principles and Practice of Mechanical Ventilation, 3rd ed., 2013
(assist-control and SIMV: a passive patient gets the set rate; a breathing one adds
breaths of their own); Chatburn RL et al. Respir Care 2014;59:1747 (IMV: mandatory
breaths may be patient triggered, spontaneous breaths between them); Sassoon CSH.
Respir Care 2011;56:39 (an effort triggers the ventilator only once it reaches the set
sensitivity; weak efforts fail to trigger); ISO 80601-2-12:2020 and the Dräger Apollo
operator's manual (alarms for high airway pressure, low minute volume, apnoea and a
disconnected breathing system; default limits 40 cmH2O, 3.0 L/min, 20 s).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medtwin import Twin
from medtwin.actions import ActionError, parse_order
from medtwin.actions.kinds.ventilator import Ventilator

PARALYSED = ("rocuronium 1.2 mg/kg IV bolus", "intubate")


def _twin(*orders: str) -> Twin:
    twin = Twin("standard-male", waveform_seconds=0)
    for order in orders:
        twin.apply(order)
    return twin


def _mean(twin: Twin, seconds: float) -> dict:
    return twin.history().iloc[-int(seconds) :].mean().to_dict()


def _alarm_events(twin: Twin) -> list[tuple[float, str]]:
    return [(e.time_s, e.order()) for e in twin.events if e.source == "equipment"]


@pytest.fixture(scope="module")
def simv_paralysed() -> Twin:
    twin = _twin(*PARALYSED, "ventilator SIMV rate 8 VT 500 mL PS 10 cmH2O PEEP 5 FiO2 0.4")
    twin.advance(300.0)
    return twin


def test_simv_gives_a_paralysed_patient_exactly_the_set_rate(simv_paralysed):
    vitals = _mean(simv_paralysed, 120)
    assert vitals["respiratory_rate"] == pytest.approx(8.0, abs=0.01)
    assert vitals["exhaled_tidal_volume"] == pytest.approx(500.0, rel=0.02)
    assert vitals["exhaled_minute_volume"] == pytest.approx(4.0, rel=0.02)
    # a passive respiratory system: plateau = PEEP + VT / compliance, as in VC
    compliance = vitals["respiratory_system_compliance"]
    assert vitals["plateau_pressure"] == pytest.approx(5.0 + 0.5 / compliance, rel=0.05)
    assert vitals["static_compliance"] == pytest.approx(compliance, rel=0.05)


def test_pressure_controlled_simv_gives_a_paralysed_patient_the_set_rate_of_pc_breaths():
    """PC-SIMV (Chatburn 2014: pressure-controlled IMV): its mandatory breaths are
    pressure-controlled, so a passive patient gets the set rate of exactly the breath
    pressure control gives with the same settings, and no alarm."""
    settings = "rate 10 Pinsp 15 cmH2O PEEP 5 FiO2 0.4 Ti 1 s"
    simv = _twin(*PARALYSED, f"ventilator SIMV {settings} PS 8 cmH2O")
    control = _twin(*PARALYSED, f"ventilator PC {settings}")
    for twin in (simv, control):
        twin.advance(300.0)
    synchronised, pressure = _mean(simv, 120), _mean(control, 120)
    assert synchronised["respiratory_rate"] == pytest.approx(10.0, abs=0.05)
    for signal in ("exhaled_tidal_volume", "peak_inspiratory_pressure", "plateau_pressure"):
        assert synchronised[signal] == pytest.approx(pressure[signal], rel=0.01), signal
    assert simv.vitals()["ventilator_alarms"] == 0.0


def test_simv_adds_the_patients_own_supported_breaths_to_the_set_rate():
    twin = _twin("intubate", "ventilator SIMV rate 6 VT 450 mL PS 10 cmH2O PEEP 5 FiO2 0.4")
    twin.advance(300.0)
    vitals = _mean(twin, 120)
    assert vitals["respiratory_rate"] > 7.0  # above the set 6/min
    assert 30.0 < vitals["paco2"] < 45.0
    assert _alarm_events(twin) == []  # a breathing patient on SIMV raises no alarm


def test_assist_control_is_triggered_by_the_patient_and_not_by_an_insensitive_trigger():
    sensitive = _twin("intubate", "ventilator VC rate 6 VT 500 mL PEEP 5")
    insensitive = _twin("intubate", "ventilator VC rate 6 VT 500 mL PEEP 5 trigger -20 cmH2O")
    for twin in (sensitive, insensitive):
        twin.advance(240.0)
    assert _mean(sensitive, 120)["respiratory_rate"] > 7.0
    assert _mean(insensitive, 120)["respiratory_rate"] == pytest.approx(6.0, abs=0.05)


def test_an_effort_short_of_the_trigger_gets_no_pressure_support_and_raises_apnoea():
    triggered = _twin("intubate", "ventilator PS 10 cmH2O PEEP 5 trigger 2 L/min")
    missed = _twin("intubate", "ventilator PS 10 cmH2O PEEP 5 trigger -20 cmH2O")
    for twin in (triggered, missed):
        twin.advance(180.0)
    supported, unsupported = _mean(triggered, 60), _mean(missed, 60)
    assert supported["peak_inspiratory_pressure"] == pytest.approx(15.0, abs=0.5)
    assert unsupported["peak_inspiratory_pressure"] == pytest.approx(5.0, abs=0.5)
    assert unsupported["exhaled_tidal_volume"] < 0.7 * supported["exhaled_tidal_volume"]
    assert "ventilator alarm apnoea" in [order for _, order in _alarm_events(missed)]
    assert _alarm_events(triggered) == []


def test_a_disconnection_alarms_once_desaturates_and_clears_on_reconnection(simv_paralysed):
    twin = simv_paralysed.fork()
    twin.apply("disconnect ventilator")
    twin.advance(180.0)
    off = _mean(twin, 20)
    assert off["airway_pressure"] == 0.0 and off["exhaled_tidal_volume"] == 0.0
    assert off["etco2"] == 0.0 and off["fio2"] == pytest.approx(0.21)
    assert off["spo2"] < _mean(simv_paralysed, 20)["spo2"] - 5.0
    raised = _alarm_events(twin)
    assert [order for _, order in raised] == [
        "ventilator alarm low airway pressure",
        "ventilator alarm low minute volume",
    ]  # each once, however many breaths go unanswered
    assert raised[0][0] - 300.0 <= 60.0 / 8 + 1.0  # at the first mandatory breath
    twin.apply("reconnect ventilator")
    twin.advance(120.0)
    orders = [order for _, order in _alarm_events(twin)]
    assert orders[2:] == ["ventilator alarm low airway pressure cleared",
                          "ventilator alarm low minute volume cleared"]  # fmt: skip
    assert _mean(twin, 20)["spo2"] > off["spo2"] + 5.0


def test_a_disconnection_in_pressure_support_raises_the_apnoea_alarm():
    twin = _twin("intubate", "ventilator PS 8 cmH2O PEEP 5 apnoea 15 s")
    twin.advance(60.0)
    twin.apply("disconnect ventilator")
    twin.advance(40.0)
    times = {order: time for time, order in _alarm_events(twin)}
    # 15 s after the last breath it detected, before or at the disconnection
    assert 60.0 < times["ventilator alarm apnoea"] <= 60.0 + 15.0 + 1.0


def test_a_peak_above_the_high_pressure_limit_alarms(simv_paralysed):
    twin = simv_paralysed.fork()
    peak = _mean(twin, 20)["peak_inspiratory_pressure"]
    twin.apply(f"ventilator SIMV rate 8 VT 500 mL PEEP 5 FiO2 0.4 Phigh {peak - 1:.0f} cmH2O")
    twin.advance(30.0)
    assert [order for _, order in _alarm_events(twin)] == ["ventilator alarm high airway pressure"]
    assert twin.vitals()["ventilator_alarms"] == 1.0


def test_the_high_pressure_limit_ends_a_volume_breath_and_the_set_volume_is_not_given():
    """Reaching the Paw high limit ends inspiration (the Mindray SynoVent E5 and Draeger
    Evita operator's manuals): against narrowed airways a volume-controlled breath stops
    at the limit, short of its set volume, breath after breath; a higher limit lets the
    whole volume in, at a higher peak."""
    spasm = (*PARALYSED, "bronchospasm 0.86")
    cut = _twin(*spasm, "ventilator VC rate 14 VT 500 mL PEEP 5 FiO2 0.4 Phigh 40 cmH2O")
    raised = _twin(*spasm, "ventilator VC rate 14 VT 500 mL PEEP 5 FiO2 0.4 Phigh 70 cmH2O")
    for twin in (cut, raised):
        twin.advance(180.0)
    limited, full = _mean(cut, 60), _mean(raised, 60)
    assert limited["peak_inspiratory_pressure"] < 41.0 < full["peak_inspiratory_pressure"]
    assert limited["exhaled_tidal_volume"] < 0.7 * 500.0
    assert full["exhaled_tidal_volume"] == pytest.approx(500.0, rel=0.05)
    assert int(cut.vitals()["ventilator_alarms"]) & 1  # the high-pressure alarm, each breath
    assert not int(raised.vitals()["ventilator_alarms"]) & 1


def test_the_orders_give_defaults_and_refuse_by_field():
    simv = parse_order("ventilator SIMV rate 8 VT 450 mL PS 10 cmH2O PEEP 5 FiO2 0.4")
    assert isinstance(simv, Ventilator) and simv.pressure_support_cmH2O == 10.0
    assert parse_order("ventilator PS 8 cmH2O trigger -2 cmH2O").trigger_pressure_cmH2O == -2.0
    assert parse_order("ventilator CPAP 5 cmH2O trigger 3 L/min").trigger_flow_L_per_min == 3.0
    with pytest.raises(ActionError, match="trigger_pressure_cmH2O = 2"):
        parse_order("ventilator PS 8 cmH2O trigger 2 cmH2O")
    with pytest.raises(ActionError, match="pressure_support_cmH2O"):
        parse_order("ventilator VC rate 14 VT 450 mL PS 10 cmH2O")
    with pytest.raises(ActionError, match="no ventilator"):
        Twin("standard-male", waveform_seconds=0).apply("disconnect ventilator")


WORDS = st.sampled_from(["rate", "VT", "PS", "PEEP", "FiO2", "Ti", "trigger", "Phigh",
                         "MVlow", "apnoea", "Pinsp"])  # fmt: skip
VALUES = st.sampled_from(["-2", "0", "0.4", "2", "5", "8", "10", "40", "450", "1e9", "nan"])
UNITS = st.sampled_from(["", "mL", "cmH2O", "L/min", "s", "/min"])


@st.composite
def ventilator_orders(draw) -> str:
    """A ventilator order of any mode with random settings, values and units."""
    mode = draw(st.sampled_from(["VC", "PC", "CPAP 5 cmH2O", "PS 10 cmH2O", "SIMV"]))
    settings = [f"{draw(WORDS)} {draw(VALUES)} {draw(UNITS)}".strip()
                for _ in range(draw(st.integers(0, 6)))]  # fmt: skip
    return " ".join(["ventilator", mode, *settings])


def _check(text: str) -> None:
    try:
        action = parse_order(text)
    except ActionError as error:
        assert str(error).strip()
        return
    assert parse_order(action.order()) == action


@settings(max_examples=200, deadline=None)
@given(ventilator_orders())
def test_any_ventilator_order_is_a_setting_or_a_clear_refusal(text):
    _check(text)


@pytest.mark.fuzz
@settings(max_examples=10_000, deadline=None)
@given(ventilator_orders())
def test_fuzz_ventilator_orders(text):
    _check(text)


def test_a_debrief_replay_keeps_each_alarm_once_as_the_ventilator_raises_it_again():
    """The debrief replays the logged orders; the ventilator's alarms are not orders, and
    given again they would enter the log twice."""
    from types import SimpleNamespace

    from medtwin.service.debriefs import replayed_twin

    twin = _twin(*PARALYSED, "ventilator SIMV rate 8 VT 500 mL PEEP 5 FiO2 0.4")
    twin.schedule(60.0, "disconnect ventilator")
    twin.advance(120.0)
    assert _alarm_events(twin)
    row = SimpleNamespace(patient=twin.patient.model_dump(mode="json"), seed=twin.seed)
    again = replayed_twin(row, list(twin.events), until_s=twin.time_s, keep_s=0.0)
    assert _alarm_events(again) == _alarm_events(twin)
