"""Rescue: chest compressions, defibrillation, breathing support and oxygen devices.

Sources of the expectations:
- good CPR gives about 17-27 % of resting cardiac output (Voorhees WD et al. Crit Care
  Med 1980;8:134), end-tidal CO2 of 10-20 mmHg when the patient is ventilated (Link MS
  et al. Circulation 2015;132:S444, AHA 2015 part 7: below 10 mmHg means poor CPR), and
  deeper compressions more of both (Sheak KR et al. Resuscitation 2015;89:149); leaning
  impairs it (Zuercher M et al. Crit Care Med 2010;38:1141);
- without compressions nothing flows, so end-tidal CO2 falls towards zero within about
  a minute of ventilation (the lungs get no CO2-laden blood);
- a 200 J biphasic first shock ends early ventricular fibrillation in about 85-90 %
  (Stiell IG et al. Circulation 2007;116:1511), and less after minutes of untreated
  fibrillation (Larsen MP et al. Ann Emerg Med 1993;22:1652); a sudden rise of
  end-tidal CO2 marks the return of circulation (AHA 2015);
- a synchronised shock needs R waves (a defibrillator in sync mode does not fire in VF);
- in the oesophagus a tube ventilates nothing: no end-tidal CO2, no exhaled volume,
  falling saturation (AHA 2015: waveform capnography confirms tube placement);
- one-lung ventilation adds a shunt of about 20-25 % (Benumof 1985);
- a nasal cannula gives an FiO2 of about 0.26-0.54 at 1-6 L/min at rest (Wettstein RB
  et al. Respir Care 2005;50:604); a non-rebreather about 0.9 with a tight fit.
"""

from __future__ import annotations

import numpy as np
import pytest

from medtwin import Twin
from medtwin.actions import ActionError
from medtwin.physiology.batch import Batch
from medtwin.physiology.heart import Heart
from medtwin.physiology.layout import RHYTHM_NAMES, S
from medtwin.physiology.parameters import P

VF = RHYTHM_NAMES.index("vf")
GOOD_CPR = "start CPR rate 110 depth 5.5 cm"
BAG = "bag-valve-mask rate 10 volume 500 mL FiO2 1"


def _mean(twin: Twin, signal: str, seconds: float) -> float:
    history = twin.history()
    return float(history[signal].iloc[-int(seconds) :].mean())


@pytest.fixture(scope="module")
def arrested():
    """A resting man, then a minute of untreated ventricular fibrillation (seed 2 stays
    in fibrillation for the runs below)."""
    twin = Twin("standard-male", seed=2, waveform_seconds=0)
    twin.advance(60)
    rest = {name: _mean(twin, name, 30) for name in ("cardiac_output", "etco2")}
    twin.apply("rhythm ventricular fibrillation")
    twin.advance(60)
    return rest, twin


@pytest.fixture(scope="module")
def resuscitated(arrested):
    """Two minutes of each: good CPR with bag ventilation, shallow CPR, CPR with
    leaning, and bag ventilation without compressions."""
    rest, twin = arrested
    runs = {}
    for name, orders in {
        "good": [GOOD_CPR, BAG],
        "shallow": ["start CPR rate 110 depth 3.5 cm", BAG],
        "leaning": ["start CPR rate 110 depth 5.5 cm leaning 25 %", BAG],
        "no compressions": [BAG],
    }.items():
        run = twin.fork()
        for order in orders:
            run.apply(order)
        run.advance(120)
        runs[name] = run
    return rest, runs


def test_good_cpr_gives_a_fifth_to_a_quarter_of_resting_output(resuscitated):
    rest, runs = resuscitated
    share = _mean(runs["good"], "cardiac_output", 60) / rest["cardiac_output"]
    assert 0.17 <= share <= 0.27  # Voorhees 1980
    assert runs["good"].rhythm_name == "vf"


def test_ventilated_good_cpr_shows_end_tidal_co2_of_10_to_20(resuscitated):
    _, runs = resuscitated
    assert 10.0 <= _mean(runs["good"], "etco2", 60) <= 20.0  # AHA 2015


def test_without_compressions_nothing_flows_and_end_tidal_co2_falls_to_zero(resuscitated):
    rest, runs = resuscitated
    run = runs["no compressions"]
    assert _mean(run, "cardiac_output", 60) < 0.05 * rest["cardiac_output"]
    assert _mean(run, "etco2", 30) < 3.0


def test_cpr_quality_shows_in_flow_and_end_tidal_co2(resuscitated):
    _, runs = resuscitated
    good, shallow, leaning = runs["good"], runs["shallow"], runs["leaning"]
    for signal in ("cardiac_output", "etco2", "coronary_perfusion_pressure"):
        assert _mean(shallow, signal, 60) < 0.85 * _mean(good, signal, 60), signal  # Sheak 2015
    assert _mean(leaning, "coronary_perfusion_pressure", 60) < _mean(
        good, "coronary_perfusion_pressure", 60
    )  # Zuercher 2010


def _fibrillating_cohort(n: int, untreated_s: float, cpr_s: float = 0.0) -> Batch:
    """`n` copies of the standard man, seeds 0..n-1, each in fibrillation for
    `untreated_s` (fading to asystole at its own seeded time), then `cpr_s` of good
    CPR."""
    twin = Twin("standard-male", waveform_seconds=0)
    twin.advance(5)
    twin.apply("rhythm ventricular fibrillation")
    snap = twin.snapshot()
    batch = Batch(*(np.tile(array, (n, 1)) for array in (snap.params, snap.state, snap.monitors)))
    batch.params[:, P.SEED] = np.arange(n)
    batch.advance(untreated_s)
    if cpr_s:
        for name, value in (("CPR_RATE", 110.0), ("CPR_DEPTH", 5.5), ("CPR_FRACTION", 1.0)):
            batch.params[:, P[name]] = value
        batch.advance(cpr_s)
        batch.params[:, P.CPR_RATE] = 0.0
    return batch


def _terminated_share(batch: Batch, energy_J: float) -> float:
    fibrillating = batch.state[:, S.RHYTHM] == VF
    for row in np.flatnonzero(fibrillating):
        Heart(batch.state[row]).deliver_shock(energy_J, synchronised=False)
    batch.advance(0.1)
    ended = batch.state[fibrillating, S.RHYTHM] != VF
    return float(ended.mean())


def test_a_200_joule_shock_ends_early_fibrillation_in_85_to_90_percent():
    share = _terminated_share(_fibrillating_cohort(1000, untreated_s=10.0), 200.0)
    assert 0.85 <= share <= 0.90  # Stiell 2007, 1,000 seeded twins


def test_shocks_succeed_less_after_untreated_minutes_and_cpr_slows_the_fall():
    early = _terminated_share(_fibrillating_cohort(300, untreated_s=10.0), 200.0)
    late = _terminated_share(_fibrillating_cohort(300, untreated_s=480.0), 200.0)
    late_with_cpr = _terminated_share(_fibrillating_cohort(300, 240.0, cpr_s=240.0), 200.0)
    assert late < 0.8 * early  # Larsen 1993
    assert late_with_cpr > late


def test_the_same_seed_gives_the_same_shock_outcome():
    outcomes = [_terminated_share(_fibrillating_cohort(50, 60.0), 150.0) for _ in range(2)]
    assert outcomes[0] == outcomes[1]


def test_a_shock_after_cpr_returns_the_circulation_and_end_tidal_co2_jumps(resuscitated):
    _, runs = resuscitated
    twin = runs["good"].fork()
    during_cpr = _mean(twin, "etco2", 20)
    twin.apply("stop CPR")
    twin.apply("defibrillate 200 J")
    twin.advance(60)
    assert twin.rhythm_name == "sinus"  # seed 2's first shock succeeds
    events = [e for e in twin.events if e.source == "physiology"]
    assert events[-1].action.kind == "rhythm" and events[-1].action.rhythm == "sinus"
    assert _mean(twin, "mean_arterial_pressure", 20) > 60.0
    assert _mean(twin, "etco2", 20) > 1.5 * during_cpr  # AHA 2015: ROSC


def test_a_synchronised_shock_is_not_fired_in_fibrillation(arrested):
    _, twin = arrested
    run = twin.fork()
    with pytest.raises(ActionError, match="synchronised = True"):
        run.apply("cardiovert 100 J")
    assert run.rhythm_name == "vf"


@pytest.fixture(scope="module")
def ventilated():
    """Paralysed and ventilated through a tube in the trachea, then the same twin with
    the tube in the oesophagus and in the right main bronchus."""
    twin = Twin("standard-male", waveform_seconds=0)
    twin.advance(30)
    twin.apply("rocuronium 1.2 mg/kg IV bolus")
    twin.apply("intubate")
    twin.apply("ventilator VC rate 12 VT 500 mL PEEP 5 FiO2 0.4")
    twin.advance(180)
    runs = {"trachea": twin}
    for position in ("oesophagus", "right mainstem"):
        run = twin.fork()
        run.apply(f"intubate {position}")
        run.advance(180)
        runs[position] = run
    return runs


def test_volume_control_reads_its_pressures_and_volumes(ventilated):
    vitals = ventilated["trachea"].vitals()
    compliance = vitals["respiratory_system_compliance"]  # L/cmH2O
    assert vitals["exhaled_tidal_volume"] == pytest.approx(500.0, rel=0.02)
    assert vitals["total_peep"] == pytest.approx(5.0, abs=0.3)
    # a passive respiratory system: plateau = PEEP + VT / compliance
    assert vitals["plateau_pressure"] == pytest.approx(5.0 + 0.5 / compliance, rel=0.05)
    assert vitals["peak_inspiratory_pressure"] > vitals["plateau_pressure"]
    assert vitals["static_compliance"] == pytest.approx(compliance, rel=0.05)
    assert vitals["respiratory_rate"] == pytest.approx(12.0, rel=0.01)
    assert vitals["fio2"] == 0.4
    assert 30.0 <= vitals["etco2"] <= 45.0


def test_a_tube_in_the_oesophagus_ventilates_nothing(ventilated):
    before, run = ventilated["trachea"].vitals(), ventilated["oesophagus"]
    vitals = run.vitals()
    assert vitals["etco2"] == 0.0 and vitals["exhaled_tidal_volume"] == 0.0
    assert vitals["paco2"] > before["paco2"] + 8.0
    assert vitals["pao2"] < 0.6 * before["pao2"]


def test_a_tube_in_the_right_main_bronchus_stiffens_and_shunts(ventilated):
    trachea, bronchus = ventilated["trachea"].vitals(), ventilated["right mainstem"].vitals()
    assert bronchus["peak_inspiratory_pressure"] > trachea["peak_inspiratory_pressure"] + 2.0
    assert bronchus["shunt_fraction"] - trachea["shunt_fraction"] == pytest.approx(0.22)
    assert bronchus["pao2"] < 0.6 * trachea["pao2"]  # Benumof 1985


def test_a_completely_obstructed_airway_lets_no_breath_through(ventilated):
    run = ventilated["trachea"].fork()
    run.apply("airway obstruction 1")
    run.advance(30)
    vitals = run.vitals()
    assert vitals["exhaled_tidal_volume"] == 0.0 and vitals["etco2"] == 0.0
    assert vitals["peak_inspiratory_pressure"] == pytest.approx(50.0)  # the pressure limit


@pytest.fixture(scope="module")
def breathing():
    twin = Twin("standard-male", waveform_seconds=0)
    twin.advance(30)
    return twin


@pytest.mark.parametrize(("flow", "low", "high"), [(1, 0.24, 0.35), (6, 0.45, 0.6)])
def test_a_nasal_cannula_gives_the_published_fio2(breathing, flow, low, high):
    run = breathing.fork()
    run.apply(f"oxygen nasal cannula {flow} L/min")
    run.advance(60)
    assert low <= run.vitals()["fio2"] <= high  # Wettstein 2005: 0.26 at 1, 0.54 at 6


def test_a_non_rebreather_gives_about_0_9_and_raises_pao2(breathing):
    run = breathing.fork()
    run.apply("oxygen non-rebreather 15 L/min")
    run.advance(120)
    vitals = run.vitals()
    assert 0.85 <= vitals["fio2"] <= 0.95
    assert vitals["pao2"] > 4.0 * breathing.vitals()["pao2"]
    run.apply("stop oxygen")
    run.advance(5)
    assert run.vitals()["fio2"] == pytest.approx(0.21)
