"""Pulsatile closed-loop circulation: pressures, flows and volume derivatives.

Structure after Ursino 1998 (Am J Physiol 275:H1733): atria with a passive compliance
to which atrial systole adds an elastance (Ursino's atria are passive; contracting
atria as in Heldt 2002 and Smith 2004), left and right ventricles with a time-varying
elastance blended with an exponential passive curve and
a pressure-dependent viscous resistance, diode valves, an inertial aortic root feeding
one arteriolar node, and inertial pulmonary arteries. The systemic periphery is split
into six parallel beds (brain, heart, splanchnic, kidney, skeletal muscle, rest), each
with its own resistance and venous pool, after Ursino & Magosso 2000 (Am J Physiol
279:H149) who separate the extrasplanchnic bed the same way. A thoracic venous pool
(venae cavae) and all cardiac and pulmonary compartments sit in the chest and feel
pleural pressure (Albanese 2016).

The flows are numbered links; `LINK_*` below names them. The integrator accumulates
the volume carried by each link, which the gas-transport step uses.
"""

from __future__ import annotations

import numpy as np

from medtwin.compiled.jit import jit, jit_forceinline, jit_inline
from medtwin.physiology.layout import BEDS, EFFECTOR, LINK, N_BEDS, N_EFFECTORS, N_FAST, S

# Column of each link in the flow vector and of each effector value (from `layout`)
LINK_PV_LA = int(LINK.PV_LA)
LINK_MITRAL = int(LINK.MITRAL)
LINK_AORTIC = int(LINK.AORTIC)
LINK_SA_SP = int(LINK.SA_SP)
LINK_BED0 = int(LINK.BED_BRAIN)  # bed j: LINK_BED0 + j
LINK_VEIN0 = int(LINK.VEIN_BRAIN)  # bed j: LINK_VEIN0 + j
LINK_VC_RA = int(LINK.VC_RA)
LINK_TRICUSPID = int(LINK.TRICUSPID)
LINK_PULMONIC = int(LINK.PULMONIC)
LINK_PA_PC = int(LINK.PA_PC)
LINK_PC_PV = int(LINK.PC_PV)
LINK_HAEMORRHAGE = int(LINK.HAEMORRHAGE)
LINK_INFUSION = int(LINK.INFUSION)
LINK_FILTRATION = int(LINK.FILTRATION)
LINK_LYMPH = int(LINK.LYMPH)
LINK_URINE = int(LINK.URINE)
LINK_INTAKE = int(LINK.INTAKE)

CMH2O_PER_MMHG = 1.35951
HAEMORRHAGE_COMPARTMENT = np.array(
    [S.V_SP, S.V_V_REST, S.V_V_SPLANCHNIC, S.V_V_MUSCLE, S.V_SP, S.V_SP]
)
"""Compartment each site of `layout.HAEMORRHAGE_SITES` bleeds from: systemic arteries,
limb veins, splanchnic (liver, spleen) and skeletal-muscle (fracture) venous pools, and
into either pleural space from the systemic arteries of the chest wall (intercostal,
internal mammary: the usual source of a massive haemothorax, ATLS 10th ed. ch. 4)."""
HAEMORRHAGE_BED = np.array(
    [-1, BEDS.index("rest"), BEDS.index("splanchnic"), BEDS.index("muscle"), -1, -1]
)
"""The bed whose venous pool each bleeding site drains (-1: the arteriolar node)."""
HEART_BED = BEDS.index("heart")
MIN_BLEEDING_VOLUME_ML = 20.0
"""A bleeding compartment stops losing blood when it is this close to empty."""
MIN_REFERENCE_PRESSURE_MMHG = 1.0
"""Floor of a site's resting pressure, so that a bleeding rate stays finite."""
COLLAPSE_WIDTH_MMHG = 0.5
"""Width of the smooth transition to a collapsed artery (`extrathoracic_artery_pressure`):
a numerical choice far below any pressure a perfused artery holds, so that above 5 mmHg
the reading moves by less than 1e-4 mmHg."""
EJECTION_PRESSURE_FLOOR_MMHG = 5.0
"""The least isometric pressure taken for a ventricle's viscous resistance in `ejection`:
a numerical guard below any pressure an ejecting heart develops (Ursino's resistance
otherwise vanishes with the pressure), so that an emptied ventricle empties no faster
than a few engine steps."""

A_EMAX_LV = int(EFFECTOR.EMAX_LV)
A_EMAX_RV = int(EFFECTOR.EMAX_RV)
A_R_BED0 = int(EFFECTOR.R_BED_BRAIN)  # bed j: A_R_BED0 + j
A_VU_V0 = int(EFFECTOR.VU_V_BRAIN)  # bed j: A_VU_V0 + j
A_HEART_PERIOD = int(EFFECTOR.HEART_PERIOD)
A_FILTRATION = int(EFFECTOR.FILTRATION)
A_LYMPH = int(EFFECTOR.LYMPH)
A_URINE = int(EFFECTOR.URINE)
A_RESPIRATORY_RATE = int(EFFECTOR.RESPIRATORY_RATE)
A_VENTILATORY_DRIVE = int(EFFECTOR.VENTILATORY_DRIVE)
A_MUSCLE_STRENGTH = int(EFFECTOR.MUSCLE_STRENGTH)
A_BLEEDING0 = int(EFFECTOR.BLEEDING_ARTERIAL)  # site k: A_BLEEDING0 + k
N_ACTUAL = N_EFFECTORS


@jit_inline
def activation(elapsed: float, period: float, systole: float) -> float:
    """Ventricular activation phi in [0, 1]: sin^2 over systole (Ursino 1998, eq. 8)."""
    u = elapsed
    if u >= period:
        u -= period
    if u < systole:
        s = np.sin(np.pi * u / systole)
        return s * s
    return 0.0


@jit_inline
def atrial_activation(elapsed: float, period: float, pr_interval: float, systole: float) -> float:
    """Atrial activation in [0, 1]: sin^2 over atrial systole, which starts one P-R
    interval before the ventricles' (the P wave precedes the QRS), within this beat."""
    u = elapsed
    if u >= period:
        u -= period
    start = period - min(pr_interval, 0.35 * period)
    if start <= u < start + systole:
        s = np.sin(np.pi * (u - start) / systole)
        return s * s
    return 0.0


@jit_inline
def right_atrial_pressure(y, p, phi_atria) -> float:
    """Transmural right atrial pressure (mmHg): passive plus contracting elastance
    (`atrial_pressure`)."""
    return atrial_pressure(y.V_RA, p.VU_RA, p.E_RA, p.E_RA_ACTIVE, phi_atria)


@jit_inline
def atrial_pressure(volume, v_unstressed, elastance, active_elastance, phi_atria) -> float:
    """Transmural atrial pressure (mmHg): passive elastance, plus the contracting
    elastance on what the atrium holds beyond its unstressed volume (an emptied atrium
    contracts without suction, like the ventricles in `ventricle_isometric`)."""
    stressed = volume - v_unstressed
    return elastance * stressed + phi_atria * active_elastance * max(stressed, 0.0)


@jit_inline
def extrathoracic_artery_pressure(pressure_mmHg):
    """What an artery outside the chest holds (mmHg, against the atmosphere) when the
    arterial tree's pressure is `pressure_mmHg`: the same while it is filled; near zero,
    never below, once it is emptied.

    A vessel drained below its unstressed volume collapses instead of holding a
    suction: its wall flattens at almost no transmural pressure (the tube law; Holt JP.
    Am J Physiol 1941;134:292; Shapiro AH. J Biomech Eng 1977;99:126), and outside the
    chest the transmural pressure is the pressure an arterial line or a pulse oximeter
    meets. A softplus of width `COLLAPSE_WIDTH_MMHG` joins the two smoothly.
    """
    width = COLLAPSE_WIDTH_MMHG
    if pressure_mmHg > 40.0 * width:
        return pressure_mmHg
    return width * np.log1p(np.exp(pressure_mmHg / width))


@jit_inline
def ventricle_isometric(phi, volume, emax, v_unstressed, p0, ke):
    """Transmural isometric ventricular pressure (Ursino 1998, eqs. 5-7). A ventricle
    emptied below its unstressed volume (no venous return: a tension pneumothorax,
    tamponade) contracts without pressure; it does not suck blood in."""
    active = emax * max(volume - v_unstressed, 0.0)
    passive = p0 * (np.exp(ke * volume) - 1.0)
    return phi * active + (1.0 - phi) * passive


@jit_inline
def ejection(p_max, p_out, kr):
    """Ejection through a valve into a compartment at p_out (both transmural), against
    the ventricle's viscous resistance `kr` times its isometric pressure (Ursino 1998).

    A drained artery downstream holds no suction (the tube law, see
    `extrathoracic_artery_pressure`), and a ventricle that can raise almost no pressure
    still meets the resistance it has at `EJECTION_PRESSURE_FLOOR_MMHG`: without both,
    a barely filled heart facing a drained aorta (a tension pneumothorax's arrest)
    would eject without limit.
    """
    p_out = max(p_out, 0.0)
    if p_max > p_out:
        return (p_max - p_out) / (kr * max(p_max, EJECTION_PRESSURE_FLOOR_MMHG))
    return 0.0


@jit_inline
def bed_flow(p, bed, p_arteriolar, p_venous, resistance):
    """Flow (mL/s) through a bed's arterioles and capillaries.

    The coronary bed is a vascular waterfall: its vessels, squeezed by the myocardium,
    let no blood through below `CORONARY_ZERO_FLOW_PRESSURE`, whatever the venous
    pressure beyond (Hoffman & Spaan 1990). Every other bed runs against its venous pool.
    """
    if bed == HEART_BED:
        back = max(p_venous, p.CORONARY_ZERO_FLOW_PRESSURE)
        return max(p_arteriolar - back, 0.0) / resistance
    return (p_arteriolar - p_venous) / resistance


@jit_forceinline
def circulation_rhs(y, p, act, phi, phi_atria, ppl_mmHg, squeeze_mmHg, dydt, q):
    """Derivatives of the circulatory part of the fast state, and the link flows.

    `y` is the fast state (see `layout.S`), `p` the patient's parameters, `act` the
    effector values of the reflexes, `phi` and `phi_atria` the ventricular and atrial
    activations, `ppl_mmHg` the pleural pressure (a chest compression's push included),
    `squeeze_mmHg` what a compression presses on the ventricles directly. The veins
    entering the chest have valves that stop blood being pushed back out of it
    (Rudikoff MT et al. Circulation 1980;61:345). Flows `q` are in mL/s, pressures in
    mmHg.
    """
    p_la = atrial_pressure(y.V_LA, p.VU_LA, p.E_LA, p.E_LA_ACTIVE, phi_atria)
    pmax_lv = ventricle_isometric(phi, y.V_LV, act[A_EMAX_LV], p.VU_LV, p.P0_LV, p.KE_LV)
    pmax_lv += squeeze_mmHg
    p_sa = p.E_SA * (y.V_SA - p.VU_SA)
    p_sp = p.E_SP * (y.V_SP - p.VU_SP)
    p_vc = p.E_VC * (y.V_VC - p.VU_VC) + ppl_mmHg
    p_ra = right_atrial_pressure(y, p, phi_atria)
    pmax_rv = ventricle_isometric(phi, y.V_RV, act[A_EMAX_RV], p.VU_RV, p.P0_RV, p.KE_RV)
    pmax_rv += squeeze_mmHg
    p_pa = p.E_PA * (y.V_PA - p.VU_PA)
    p_pc = p.E_PC * (y.V_PC - p.VU_PC)
    p_pv = p.E_PV * (y.V_PV - p.VU_PV)

    # intrathoracic pairs share the pleural pressure, so only transmural differences
    q[LINK_PV_LA] = (p_pv - p_la) / p.R_PV
    q[LINK_MITRAL] = max(p_la - pmax_lv, 0.0) / p.R_MITRAL
    q[LINK_AORTIC] = ejection(pmax_lv, p_sa, p.KR_LV)
    q[LINK_SA_SP] = y.Q_SA
    returned = 0.0
    drained = 0.0
    for j in range(N_BEDS):
        p_v = p.E_V[j] * (y.V_V[j] - act[A_VU_V0 + j])
        q_bed = bed_flow(p, j, p_sp, p_v, act[A_R_BED0 + j])
        q_vein = max(p_v - p_vc, 0.0) / p.R_V[j]
        q[LINK_BED0 + j] = q_bed
        q[LINK_VEIN0 + j] = q_vein
        dydt.V_V[j] = q_bed - q_vein
        drained += q_bed
        returned += q_vein
    q[LINK_VC_RA] = (p_vc - ppl_mmHg - p_ra) / p.R_VC
    q[LINK_TRICUSPID] = max(p_ra - pmax_rv, 0.0) / p.R_TRICUSPID
    q[LINK_PULMONIC] = ejection(pmax_rv, p_pa, p.KR_RV)
    q[LINK_PA_PC] = y.Q_PA
    q[LINK_PC_PV] = (p_pc - p_pv) / p.R_PC

    dydt.V_LA = q[LINK_PV_LA] - q[LINK_MITRAL]
    dydt.V_LV = q[LINK_MITRAL] - q[LINK_AORTIC]
    dydt.V_SA = q[LINK_AORTIC] - q[LINK_SA_SP]
    dydt.Q_SA = (p_sa + ppl_mmHg - p_sp - p.R_SA * y.Q_SA) / p.L_SA
    dydt.V_SP = q[LINK_SA_SP] - drained
    dydt.V_VC = returned - q[LINK_VC_RA]
    dydt.V_RA = q[LINK_VC_RA] - q[LINK_TRICUSPID]
    dydt.V_RV = q[LINK_TRICUSPID] - q[LINK_PULMONIC]
    dydt.V_PA = q[LINK_PULMONIC] - q[LINK_PA_PC]
    dydt.Q_PA = (p_pa - p_pc - p.R_PA * y.Q_PA) / p.L_PA
    dydt.V_PC = q[LINK_PA_PC] - q[LINK_PC_PV]
    dydt.V_PV = q[LINK_PC_PV] - q[LINK_PV_LA]
    external_flows(y, p, act, dydt, q)


@jit_inline
def external_flows(y, p, act, dydt, q):
    """Flows that add volume to or take it from the circulation (mL/s)."""
    bleeding = 0.0
    for site in range(HAEMORRHAGE_COMPARTMENT.shape[0]):
        rate = act[A_BLEEDING0 + site]
        compartment = HAEMORRHAGE_COMPARTMENT[site]
        if rate > 0.0 and y.vector[compartment] > MIN_BLEEDING_VOLUME_ML:
            dydt.vector[compartment] -= rate
            bleeding += rate
    q[LINK_HAEMORRHAGE] = bleeding
    q[LINK_INFUSION] = p.INFUSION_RATE
    q[LINK_FILTRATION] = act[A_FILTRATION]
    q[LINK_LYMPH] = act[A_LYMPH]
    q[LINK_URINE] = act[A_URINE]
    q[LINK_INTAKE] = p.FLUID_INTAKE
    dydt.V_VC += q[LINK_INFUSION] + q[LINK_LYMPH] + q[LINK_INTAKE]
    dydt.V_SP -= q[LINK_FILTRATION]
    dydt.V_V_KIDNEY -= q[LINK_URINE]


@jit
def bleeding_site_pressure(y, p, act, site) -> float:
    """Transmural pressure (mmHg) of the compartment a bleeding site drains: what
    drives blood out through the wound."""
    j = HAEMORRHAGE_BED[site]
    if j < 0:
        return p.E_SP * (y.V_SP - p.VU_SP)
    return p.E_V[j] * (y.V_V[j] - act[A_VU_V0 + j])


@jit
def bleeding_flow(s, p, site) -> float:
    """A site's bleeding flow (mL/s): the ordered rate, which is the flow at the site's
    resting pressure, scaled by its current (smoothed) pressure through the same wound
    resistance (`fluids.bleeding_rates`)."""
    ordered = p.HAEMORRHAGE_RATE[site]
    if ordered <= 0.0:
        return 0.0  # also before settling, when the reference is not yet known
    reference = max(p.HAEMORRHAGE_PRESSURE_REF[site], MIN_REFERENCE_PRESSURE_MMHG)
    return ordered * max(s.BLEED_PRESSURE[site], 0.0) / reference


@jit
def blood_volume(s) -> float:
    """Total blood volume (mL): every circulatory volume state."""
    total = 0.0
    for k in range(N_FAST):
        if k != S.Q_SA and k != S.Q_PA and k != S.V_LUNG:
            total += s.vector[k]
    return total
