"""The compiled batch kernel: advances every patient of a batch by a number of steps.

Multi-rate scheme (docs/reference/MODELS.md, numerical notes):
- fast part, every step `dt`: circulation and lung mechanics, classic RK4, with the
  ventricular activation and muscle pressure evaluated at each stage's own time (so a
  beat or breath may start inside a step without losing its phase); the airway gas
  moves with the exact volume the lungs took in or gave out;
- slow part, every `SLOW_STEP_S` (whole fast steps): gas transport and exchange,
  metabolism, heat, drugs, fluids, the heart's O2 balance and rhythm, chemoreflexes
  and baroreflex (their time constants are seconds to hours). The respiratory centre
  needs O2 like the rest of the brain: its drive is scaled by the share of the brain's
  O2 demand met.
Patients are independent, so a batch can be split across cores (see `batch.Batch`).

Kernels see each patient's state, parameters and monitors as records (`layout`):
`s.V_LV`, `p.C_LUNG`. The two steps are separate functions so that, on an empty cache,
they compile in two processes at once (`precompile`); the calls made at every RK4 stage
are inlined by LLVM (`jit.jit_forceinline`).
"""

from __future__ import annotations

import numpy as np

from medtwin.compiled.jit import jit, jit_entry, jit_forceinline, jit_inline, jit_nogil
from medtwin.physiology.bloodgas import acid_base, partial_pressures
from medtwin.physiology.breathing_muscles import fatigue_step
from medtwin.physiology.cardiac import (
    atrial_kick,
    next_beat_period,
    perfusing,
    rhythm_step,
    shock_step,
)
from medtwin.physiology.circulation import (
    A_HEART_PERIOD,
    A_MUSCLE_STRENGTH,
    A_VENTILATORY_DRIVE,
    CMH2O_PER_MMHG,
    N_ACTUAL,
    activation,
    atrial_activation,
    circulation_rhs,
    right_atrial_pressure,
)
from medtwin.physiology.control import (
    apply_effectors,
    csf_acidosis_step,
    reflex_step,
    ventilation_demand,
    wakefulness,
)
from medtwin.physiology.cpr import compressed_lung_pressure, compression_pressure
from medtwin.physiology.drugs import drug_step
from medtwin.physiology.exchange import (
    heat_balance,
    lactate_step,
    lung_exchange,
    tissue_metabolism,
    transport,
)
from medtwin.physiology.fluids import account_blood, fluid_rates
from medtwin.physiology.layout import BEDS, N_FAST, N_LINKS, S_RECORD, W
from medtwin.physiology.monitors import (
    BIS_AWAKE,
    accumulate_beat,
    accumulate_breath,
    base_excess,
    consciousness_index,
    finish_beat,
    finish_breath,
    update_gas_monitors,
)
from medtwin.physiology.pharynx import pharyngeal_obstruction
from medtwin.physiology.pleura import accumulate_leak, chest_excess, pleura_step
from medtwin.physiology.respiration import (
    alveolar_pressure,
    lung_rhs,
    move_airway_gas,
    muscle_pressure,
    opening_pressure,
    pleural_pressure,
    start_breath,
)
from medtwin.physiology.variability import STREAM_BEAT, STREAM_BREATH, standard_normal
from medtwin.physiology.ventilation import (
    airway_open_share,
    inspired_o2,
    mandatory,
    mandatory_breath,
    supply,
    ventilated_share,
)
from medtwin.physiology.ventilator import (
    idle_cycle,
    limit_pressure,
    note_effort,
    patient_trigger,
    ventilator_breaths,
)
from medtwin.physiology.ventilator_alarms import breath_alarms, watch

SLOW_STEP_S = 0.05
"""Slow-part step. Fixed in seconds, so a finer fast step changes only the fast part
(the reflex delays and the carotid pressure averaging stay the same)."""
MIN_SYSTOLE_S = 0.1
_BRAIN = BEDS.index("brain")


@jit_inline
def _clip3(x):
    """Keep a standard normal deviate within three standard deviations."""
    return min(max(x, -3.0), 3.0)


@jit_inline
def _stage(y, p, act, drive, dydt, q):
    """Right-hand side of the fast ODE at one RK stage; `drive` is that stage's row of
    `_drives`."""
    compression = drive[3]
    ppl = pleural_pressure(y.V_LUNG + drive[6], p, drive[2])
    ppl_vessels = ppl / CMH2O_PER_MMHG + compression
    squeeze = p.CARDIAC_COMPRESSION_SHARE * compression
    circulation_rhs(y, p, act, drive[0], drive[1], ppl_vessels, squeeze, dydt, q)
    ppl_lungs = ppl + compressed_lung_pressure(p, compression)
    dydt.V_LUNG = lung_rhs(y.V_LUNG, p, ppl_lungs, drive[7], drive[8], drive[4], drive[5])


@jit_entry
def _slow_step(s, p, act, dt_slow):
    """Fluids and blood, gas transport and exchange, metabolism, heat, drugs, reflexes.

    Cached on its own: the compile helper process (`precompile`) compiles it into the
    cache for the kernel to load.
    """
    account_blood(s, p)
    transport(s, p)
    for k in range(N_LINKS):
        s.LINK_VOLUME[k] = 0.0
    used, shortfall = tissue_metabolism(s, p, dt_slow)
    shock_step(s, p, shortfall, dt_slow)
    lactate_step(s, p, shortfall, dt_slow)
    s.INSPIRED_O2 = inspired_o2(p, s.LAST_TIDAL_VOLUME, s.INSPIRATION_DURATION, s.BREATH_PERIOD)
    pleura_step(s, p, dt_slow)
    fatigue_step(s, p, act[A_MUSCLE_STRENGTH], dt_slow)
    lung_exchange(s, p, dt_slow)
    heat_balance(s, p, used, dt_slow)
    drug_step(s, p)
    s.PHARYNGEAL_OBSTRUCTION = pharyngeal_obstruction(s, p)
    # the arterial blood of the aorta and the arteries beyond, where a sample is drawn
    # (the aorta alone is nearly drained when a tension pneumothorax squeezes it)
    v_art = max(s.V_SA, 0.0) + max(s.V_SP, 0.0)
    if v_art < 1.0:
        pao2, paco2 = s.ART_PO2, s.ART_PCO2
    else:
        pao2, paco2 = partial_pressures(
            (s.N_O2_SA + s.N_O2_SP) / v_art, (s.N_CO2_SA + s.N_CO2_SP) / v_art, s.HB,
            s.ART_PO2, s.ART_PCO2,
        )  # fmt: skip
    s.ART_PO2 = pao2
    s.ART_PCO2 = paco2
    s.PH = acid_base(paco2, base_excess(s, p), s.HB)[0]
    rhythm_step(s, p, dt_slow)
    s.CHEMO_CENTRAL_PCO2 += dt_slow * (paco2 - s.CHEMO_CENTRAL_PCO2) / p.TAU_CHEMO_CENTRAL
    csf_acidosis_step(s, p, dt_slow)
    w = dt_slow / p.TAU_CHEMO_PERIPHERAL
    s.CHEMO_PERIPH_PCO2 += w * (paco2 - s.CHEMO_PERIPH_PCO2)
    s.CHEMO_PERIPH_PO2 += w * (pao2 - s.CHEMO_PERIPH_PO2)
    sinus_pressure = s.SLOW_PSA_SUM / s.STEP_IN_SLOW
    ra_filling = s.SLOW_RA_FILLING_SUM / s.STEP_IN_SLOW
    s.SLOW_PSA_SUM = 0.0
    s.SLOW_RA_FILLING_SUM = 0.0
    demand, peripheral = ventilation_demand(
        p, act[A_VENTILATORY_DRIVE] * s.AEROBIC[_BRAIN], wakefulness(s), s.CHEMO_CENTRAL_PCO2,
        s.CHEMO_PERIPH_PCO2, s.CHEMO_PERIPH_PO2, s.LACTATE, s.CSF_ACIDOSIS, sinus_pressure,
    )  # fmt: skip
    s.VE_DEMAND = demand
    s.PERIPHERAL_DEMAND = peripheral
    reflex_step(s, p, act, sinus_pressure, ra_filling, peripheral, dt_slow)
    fluid_rates(s, p, act, sinus_pressure, dt_slow)


@jit_forceinline
def _drives(s, p, dt, drives):
    """What drives the fast ODE at t, t + dt/2 and t + dt: ventricular and atrial
    activation (no atrial systole in rhythms that lose it), breathing-muscle pressure,
    the pressure of chest compressions, the breathing device's airway opening pressure
    and set flow (`ventilation.supply`), and the pleurae's: what their contents add to
    the chest's volume (`pleura.chest_excess`) and the share of the lungs left open, and the
    airway's open share (constant over a step).

    Evaluated at each stage's own time, so a beat, breath or compression that starts
    inside a step keeps its phase. In cardiac arrest the heart does not contract
    (activation 0).
    """
    be, bp, ts = s.BEAT_ELAPSED, s.BEAT_PERIOD, s.SYSTOLE_DURATION
    pr, a_sys = p.PR_INTERVAL, p.ATRIAL_SYSTOLE
    beating = perfusing(s)
    kick = beating and atrial_kick(s)
    excess = chest_excess(s, p)
    ventilated = ventilated_share(s, p)
    open_share = airway_open_share(s, p)
    for i in range(3):
        offset = 0.5 * dt * i
        drives[i, 0] = activation(be + offset, bp, ts) if beating else 0.0
        drives[i, 1] = atrial_activation(be + offset, bp, pr, a_sys) if kick else 0.0
        drives[i, 2] = muscle_pressure(
            s.BREATH_ELAPSED + offset, s.BREATH_PERIOD, s.INSPIRATION_DURATION,
            s.PMUS_AMPLITUDE, p.PMUS_EXP_TAU_FRACTION,
        )  # fmt: skip
        drives[i, 3] = compression_pressure(s.CPR_TIME + offset, p)
        drives[i, 4], drives[i, 5] = supply(s, p, s.VENT_TIME + offset, s.BREATH_ELAPSED + offset)
        drives[i, 6] = excess
        drives[i, 7] = ventilated
        drives[i, 8] = open_share


@jit_inline
def _euler_point(point, y, slope, h):
    """`point = y + h * slope` over the fast states (records of `layout.S`)."""
    out, start, rate = point.vector, y.vector, slope.vector
    for i in range(N_FAST):
        out[i] = start[i] + h * rate[i]


@jit_forceinline
def _rk4(s, p, act, dt, stages, q1, q2, q3, q4, qw, drives):
    """Advance the fast states by one RK4 step and add the link volumes carried.

    `drives` holds the drives at t, t + dt/2 and t + dt (`_drives`); `stages` (5 state
    records) and `q1`-`q4` (link flows at each stage) are scratch space, and `qw`
    receives the step's mean link flows.
    """
    half = 0.5 * dt
    k1, k2, k3, k4, point = stages[0], stages[1], stages[2], stages[3], stages[4]
    _stage(s, p, act, drives[0], k1, q1)
    _euler_point(point, s, k1, half)
    _stage(point, p, act, drives[1], k2, q2)
    _euler_point(point, s, k2, half)
    _stage(point, p, act, drives[1], k3, q3)
    _euler_point(point, s, k3, dt)
    _stage(point, p, act, drives[2], k4, q4)
    y, a, b, c, d = s.vector, k1.vector, k2.vector, k3.vector, k4.vector
    for i in range(N_FAST):
        y[i] += dt / 6.0 * (a[i] + 2.0 * b[i] + 2.0 * c[i] + d[i])
    for k in range(N_LINKS):
        qw[k] = (q1[k] + 2.0 * q2[k] + 2.0 * q3[k] + q4[k]) / 6.0
        s.LINK_VOLUME[k] += dt * qw[k]


@jit
def _fast_step(s, p, m, act, dt, stages, q1, q2, q3, q4, qw, drives):
    """One production step of the fast part.

    RK4 over circulation and lung mechanics, then the airway gas, the beat and breath
    accumulators, and the start of a new beat, compression cycle or breath when one is
    due. `stages`, `q1`-`q4` and `qw` are scratch space (see `_rk4`). Returns this
    step's waveform samples: beat phase and period, arterial, central venous and pleth
    pressures, airway CO2, flow and pressure, and lung volume.
    """
    be, bp = s.BEAT_ELAPSED, s.BEAT_PERIOD
    _drives(s, p, dt, drives)
    v_lung_before = s.V_LUNG
    _rk4(s, p, act, dt, stages, q1, q2, q3, q4, qw, drives)
    pm1, phia1, compression = drives[2, 2], drives[2, 1], drives[2, 3]

    delta_v = s.V_LUNG - v_lung_before
    mouth_co2 = move_airway_gas(s, p, delta_v)
    ppl_breath = pleural_pressure(s.V_LUNG + drives[2, 6], p, pm1)
    ppl_cm = ppl_breath + compressed_lung_pressure(p, compression)
    ppl_mmHg = ppl_breath / CMH2O_PER_MMHG + compression
    p_alv = alveolar_pressure(s.V_LUNG, p, ppl_cm, drives[2, 7])
    s.AIRWAY_PRESSURE = opening_pressure(
        p, p_alv, delta_v / dt, drives[2, 4], drives[2, 5], drives[2, 8]
    )
    limit_pressure(s, p)
    accumulate_leak(s, p, p_alv - ppl_breath, dt)
    ra_filling = right_atrial_pressure(s, p, phia1)
    p_ra = ra_filling + ppl_mmHg
    p_sa, p_sp = accumulate_beat(s, p, ppl_mmHg, p_ra, qw, dt)
    accumulate_breath(s, p, ppl_cm, mouth_co2, delta_v, dt)
    s.SLOW_PSA_SUM += p_sa
    s.SLOW_RA_FILLING_SUM += ra_filling
    beat_phase = s.BEAT_COUNT + (be + dt) / bp

    s.STEP_COUNT += 1.0
    # Without a heartbeat, the monitor's "beats" are the compressions of CPR.
    compressing = p.CPR_RATE > 0.0 and not perfusing(s)
    s.BEAT_ELAPSED = be + dt
    if s.BEAT_ELAPSED >= bp:
        if not compressing:
            finish_beat(s, p, m, bp, bp)
        s.BEAT_ELAPSED -= bp
        s.BEAT_COUNT += 1.0
        noise = _clip3(standard_normal(p.SEED, s.BEAT_COUNT, STREAM_BEAT))
        period = next_beat_period(s, p, act[A_HEART_PERIOD], noise)
        s.BEAT_PERIOD = period
        s.SYSTOLE_DURATION = max(p.T_SYS0 - p.K_SYS / period, MIN_SYSTOLE_S)
    if p.CPR_RATE > 0.0:
        cycle = 60.0 / p.CPR_RATE
        before = s.CPR_TIME
        s.CPR_TIME = before + dt
        if compressing and np.floor(s.CPR_TIME / cycle) > np.floor(before / cycle):
            finish_beat(s, p, m, cycle, s.BEAT_PERIOD)
    else:
        s.CPR_TIME = 0.0
    _breath_clocks(s, p, m, act, dt, p_alv, pm1, delta_v / dt)
    return (beat_phase, bp, p_sa, p_ra, p_sp, mouth_co2, delta_v / dt * 1e-3,
            s.AIRWAY_PRESSURE, s.V_LUNG)  # fmt: skip


@jit_inline
def _breath_clocks(s, p, m, act, dt, p_alv, pmus, flow):
    """Advance the patient's breathing rhythm and the ventilator's cycle and alarms; a
    breath ends with the ventilator's cycle while it gives breaths of its own (or when
    the patient's effort triggers one: `ventilator`), else with the patient's own.
    `pmus` is the muscle pressure (cmH2O) and `flow` the airway flow (mL/s) now."""
    ventilated = mandatory(p)
    before = s.BREATH_ELAPSED
    s.BREATH_ELAPSED = before + dt
    if not mandatory_breath(s, p) and before < s.INSPIRATION_DURATION <= s.BREATH_ELAPSED:
        s.BR_PALV_INSP = p_alv
    if s.BREATH_ELAPSED >= s.BREATH_PERIOD:
        if not ventilated:
            s.VENT_BREATH_ALARMS = breath_alarms(s, p)
            finish_breath(s, p, m, s.BREATH_PERIOD, s.INSPIRATION_DURATION,
                          s.PMUS_AMPLITUDE > 0.0, p_alv)  # fmt: skip
        s.BREATH_ELAPSED -= s.BREATH_PERIOD
        s.BREATH_COUNT += 1.0
        noise = standard_normal(p.SEED, s.BREATH_COUNT, STREAM_BREATH)
        # no load to compensate while a device gives the breaths
        awake = 0.0 if ventilated else consciousness_index(s, p) / BIS_AWAKE
        start_breath(s, p, act, 1.0 + p.BREATH_PERIOD_CV * _clip3(noise), awake)
        note_effort(s, p, p_alv)
    triggered = patient_trigger(s, p, pmus, flow)
    if triggered:
        s.VENT_TRIGGERED = 1.0
    watch(s, p, m, triggered, flow, dt)
    if ventilated:
        ventilator_breaths(s, p, m, dt, p_alv, triggered)
    else:
        idle_cycle(s, p)


@jit
def advance_one(s, p, m, n_steps, dt, record_every, history, waves):
    """Advance one patient (state, parameter and monitor records) by `n_steps` steps
    of `dt` seconds.

    Writes the monitor record to `history` whenever the absolute step count is a
    multiple of `record_every`, and, if `waves` has rows, one waveform row per step.
    """
    act = np.empty(N_ACTUAL)
    apply_effectors(s, p, act)
    stages = np.empty(5, S_RECORD)  # RK4 slopes and probe point: only fast states used
    q1, q2, q3, q4 = np.empty(N_LINKS), np.empty(N_LINKS), np.empty(N_LINKS), np.empty(N_LINKS)
    qw = np.empty(N_LINKS)  # link flows at the RK4 stages, and their weighted mean
    drives = np.empty((3, 9))
    record_waves = waves.shape[0] > 0
    slow_every = max(round(SLOW_STEP_S / dt), 1)
    n_recorded = 0
    for step in range(n_steps):
        phase, period, p_sa, p_ra, p_sp, co2, flow, paw, volume = _fast_step(
            s, p, m, act, dt, stages, q1, q2, q3, q4, qw, drives
        )
        if record_waves:
            waves[step, W.beat_phase] = phase
            waves[step, W.beat_period] = period
            waves[step, W.arterial_pressure] = p_sa
            waves[step, W.central_venous_pressure] = p_ra
            waves[step, W.pleth_pressure] = p_sp
            waves[step, W.co2] = co2
            waves[step, W.airway_flow] = flow
            waves[step, W.airway_pressure] = paw
            waves[step, W.lung_volume] = volume
            waves[step, W.rhythm] = s.RHYTHM
            waves[step, W.paced] = s.PACED
        s.STEP_IN_SLOW += 1.0
        if s.STEP_IN_SLOW >= slow_every:
            _slow_step(s, p, act, dt * slow_every)
            s.STEP_IN_SLOW = 0.0
        if int(s.STEP_COUNT) % record_every == 0:
            update_gas_monitors(s, p, m)
            monitored = m.vector
            for k in range(monitored.shape[0]):  # element-wise: a slice copy compiles slowly
                history[n_recorded, k] = monitored[k]
            n_recorded += 1
    update_gas_monitors(s, p, m)
    return n_recorded


@jit_nogil
def advance_batch(state, params, monitors, n_steps, dt, record_every, history, waves):
    """Advance every patient of the batch; see `advance_one`.

    `state`, `params` and `monitors` are arrays of records, one per patient; `history`
    and `waves` have a leading patient axis. Releases the GIL, so `Batch` runs slices
    of a large batch on several threads.
    """
    for i in range(state.shape[0]):
        advance_one(
            state[i], params[i], monitors[i], n_steps, dt, record_every, history[i], waves[i]
        )
