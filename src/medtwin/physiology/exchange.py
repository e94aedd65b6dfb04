"""Gas transport in blood, tissue metabolism, lung gas exchange and heat balance.

Run once per slow step with the blood volume each flow link carried during it:
- transport: every blood compartment holds O2 and CO2 amounts (mL STPD) and passes
  them on upwind with the volume it sends, so contents travel with the blood and the
  compartments' volumes give the transport delays (Albanese 2016 uses pure delays
  instead; well-mixed compartments conserve mass exactly); the mixing is implicit, so
  that a small compartment passing several times its volume in a step stays stable;
- tissues: each bed's tissue exchanges with the blood that crosses it, which leaves at
  the tissue's content; tissues consume O2 at their share of the resting metabolic rate
  and produce CO2 at the respiratory quotient;
- lungs: pulmonary capillary blood equilibrates with alveolar gas, except the shunt
  fraction, which keeps mixed-venous content (Albanese 2016; Levitzky 2013 ch. 5);
- anaerobic metabolism: the O2 demand a tissue cannot meet is met by glycolysis; its
  lactic acid is buffered by bicarbonate, which releases CO2 into the venous blood
  (Wasserman 1973), and clearing the lactate regenerates the bicarbonate from CO2;
  only the net change of lactate moves CO2, so the resting turnover moves none;
- heat: metabolic heat (Weir 1949: 3.941 kcal/L O2 + 1.106 kcal/L CO2) against a
  conductive loss that balances it at the resting core temperature.
"""

from __future__ import annotations

import numpy as np

from medtwin.compiled.jit import jit, jit_inline
from medtwin.physiology.bloodgas import co2_content, o2_content, partial_pressures
from medtwin.physiology.circulation import (
    HAEMORRHAGE_COMPARTMENT,
    LINK_BED0,
    LINK_HAEMORRHAGE,
    LINK_INFUSION,
)
from medtwin.physiology.layout import (
    BEDS,
    BLOOD_COMPARTMENTS,
    HAEMORRHAGE_SITES,
    LINK,
    N_BEDS,
    N_LINKS,
    S,
)
from medtwin.physiology.ventilation import bronchial_narrowing
from medtwin.physiology.ventilation import shunt as ventilated_shunt

N_BLOOD = len(BLOOD_COMPARTMENTS)
BLOOD_VOLUME_STATE = np.array(
    [S["V_" + name.upper()] for name in BLOOD_COMPARTMENTS], dtype=np.int64
)
"""State column of each blood compartment's volume, in `BLOOD_COMPARTMENTS` order."""
OUTSIDE = -1
"""Pseudo-compartment for links that leave or enter the circulation."""
_LINK_ENDS: dict[str, tuple[str | None, str | None]] = {
    "PV_LA": ("pv", "la"), "MITRAL": ("la", "lv"), "AORTIC": ("lv", "sa"),
    "SA_SP": ("sa", "sp"),
    **{f"BED_{bed.upper()}": ("sp", f"v_{bed}") for bed in BEDS},  # through a tissue
    **{f"VEIN_{bed.upper()}": (f"v_{bed}", "vc") for bed in BEDS},
    "VC_RA": ("vc", "ra"), "TRICUSPID": ("ra", "rv"), "PULMONIC": ("rv", "pa"),
    "PA_PC": ("pa", "pc"), "PC_PV": ("pc", "pv"),
    "HAEMORRHAGE": (None, None),  # its volume is shared between the bleeding sites
    "INFUSION": (None, "vc"), "FILTRATION": ("sp", None), "LYMPH": (None, "vc"),
    "URINE": ("v_kidney", None), "INTAKE": (None, "vc"),
}  # fmt: skip
"""The blood compartments each flow link joins (None: outside the circulation)."""


def _compartment_index(name: str | None) -> int:
    return OUTSIDE if name is None else BLOOD_COMPARTMENTS.index(name)


LINK_FROM = np.array([_compartment_index(_LINK_ENDS[link.name][0]) for link in LINK])
LINK_TO = np.array([_compartment_index(_LINK_ENDS[link.name][1]) for link in LINK])

STPD_TO_PV = 760.0 * 310.15 / 273.15
"""mmHg*mL of alveolar gas (37 degC) per mL of gas at STPD."""
BLOOD_GAS_SLOPE = 0.005
"""mL of gas (STPD) per mL of blood per mmHg: the slope of whole blood's CO2 dissociation
curve, about 0.5 mL/dL per mmHg (West JB. Respiratory Physiology: The Essentials, 9th
ed., 2012, ch. 6), about that of the O2 curve at its steepest."""
MIN_ALVEOLAR_VOLUME_ML = 10.0
"""The least alveolar gas the exchange divides by (lungs squeezed to their dead space)."""
JOULES_PER_ML_O2_PER_RQ = (3.941 * 4.184, 1.106 * 4.184)
"""Weir JB de V. J Physiol 1949;109:1-9: heat per mL O2 = 3.941 + 1.106 RQ (cal)."""
VO2_SMOOTHING_S = 20.0
ML_GAS_PER_MMOL = 22.414  # mL STPD per mmol of any ideal gas
O2_USE_HILL = 4.0
"""Steepness of the fall of O2 use below the critical tissue content."""


@jit
def _bleeding_share(s, site):
    """Share of the bleeding link's volume that comes from `site` (rates are constant
    over a slow step)."""
    total = 0.0
    for k in range(len(HAEMORRHAGE_SITES)):
        total += s.BLEED_RATE[k]
    return s.BLEED_RATE[site] / total if total > 0.0 else 0.0


@jit
def _compartment_of(state_index):
    for c in range(N_BLOOD):
        if BLOOD_VOLUME_STATE[c] == state_index:
            return c
    return OUTSIDE


def _hops():
    """Every hop blood makes in a slow step as (from, to, link): a bed's link is two,
    arteriolar node -> the bed's tissue -> its venous pool. Bleeding is left out (its
    volume is shared between the sites, `_bleeding_share`)."""
    hops = []
    for k in range(N_LINKS):
        if k == LINK_HAEMORRHAGE:
            continue
        if LINK_BED0 <= k < LINK_BED0 + N_BEDS:
            tissue = N_BLOOD + k - LINK_BED0
            hops += [(LINK_FROM[k], tissue, k), (tissue, LINK_TO[k], k)]
        else:
            hops.append((LINK_FROM[k], LINK_TO[k], k))
    return tuple(np.array(column, dtype=np.int64) for column in zip(*hops, strict=True))


N_NODES = N_BLOOD + N_BEDS
"""Where O2 and CO2 are held: the blood compartments, then the beds' tissues."""
HOP_FROM, HOP_TO, HOP_LINK = _hops()
N_HOPS = len(HOP_LINK)
_FIRST_VEIN = BLOOD_COMPARTMENTS.index("v_" + BEDS[0])
_CAPILLARIES = BLOOD_COMPARTMENTS.index("pc")
NODE_ORDER = np.array(
    [_CAPILLARIES, *range(_FIRST_VEIN), *range(N_BLOOD, N_NODES),
     *range(_FIRST_VEIN, _CAPILLARIES)],
    dtype=np.int64,
)  # fmt: skip
"""The nodes in the direction of flow, from the pulmonary capillaries round to the
pulmonary arteries. The capillaries come first: their blood was equilibrated with
alveolar gas at the end of the last step (`lung_exchange`) and leaves at that content;
the mixed-venous blood reaching them meets the alveolar gas before it leaves."""


def _node_hops():
    """For each node, the hops it is an end of (padded with -1)."""
    ends = [[h for h in range(N_HOPS) if n in (HOP_FROM[h], HOP_TO[h])] for n in range(N_NODES)]
    table = np.full((N_NODES, max(map(len, ends))), -1, dtype=np.int64)
    for n, hops in enumerate(ends):
        table[n, : len(hops)] = hops
    return table


NODE_HOPS = _node_hops()


@jit
def _hop_ends(s, h):
    """(source, destination, volume) of hop `h` this slow step, by the way blood went."""
    d = s.LINK_VOLUME[HOP_LINK[h]]
    if d >= 0.0:
        return HOP_FROM[h], HOP_TO[h], d
    return HOP_TO[h], HOP_FROM[h], -d


@jit
def transport(s, p):
    """Move blood O2 and CO2 along the links with the volumes they carried.

    Each node (compartment or tissue) is well mixed over the slow step: what it held and
    what has reached it are mixed in the volume they fill, and everything it sends on
    leaves at that one content (backward Euler in the node's own content). Nodes are
    taken in the direction of flow, so what a node sends reaches the next one within
    the step; what reaches a node already taken (the loop closing, or blood flowing
    back) is mixed in at the next step. Mass is conserved exactly and no content can go
    negative or overshoot, however much blood a small compartment passes in a step
    (a stiff, small aortic root passes several times its volume in 50 ms, which made
    the explicit upwind scheme oscillate and diverge).

    Infused fluid brings the O2 its haemoglobin carries (crystalloids none); fluid
    entering from outside brings CO2 at the receiving blood's content (bicarbonate
    buffering is not modelled), so it dilutes O2 with haemoglobin but does not fake a
    change of PCO2. Blood crossing a bed leaves at its tissue's content.
    """
    held_o2 = np.empty(N_NODES)
    held_co2 = np.empty(N_NODES)
    size_o2 = np.empty(N_NODES)
    size_co2 = np.empty(N_NODES)
    for c in range(N_BLOOD):
        held_o2[c] = s.N_O2[c]
        held_co2[c] = s.N_CO2[c]
        size_o2[c] = size_co2[c] = max(s.vector[BLOOD_VOLUME_STATE[c]], 1.0)
    for j in range(N_BEDS):
        held_o2[N_BLOOD + j] = s.T_O2[j]
        held_co2[N_BLOOD + j] = s.T_CO2[j]
        size_o2[N_BLOOD + j] = p.CAP_O2[j]
        size_co2[N_BLOOD + j] = p.CAP_CO2[j]
    sent = np.zeros(N_NODES)
    pending = np.zeros(N_NODES)  # volume from other nodes that has not yet arrived
    own_o2 = np.zeros(N_NODES)  # volume from outside that arrives at the node's O2 content
    own_co2 = np.zeros(N_NODES)
    bled = s.LINK_VOLUME[LINK_HAEMORRHAGE]
    for site in range(len(HAEMORRHAGE_SITES)):
        sent[_compartment_of(HAEMORRHAGE_COMPARTMENT[site])] += bled * _bleeding_share(s, site)
    source = np.empty(N_HOPS, dtype=np.int64)  # each hop's ends this step, by its flow
    target = np.empty(N_HOPS, dtype=np.int64)
    volume = np.empty(N_HOPS)
    for h in range(N_HOPS):
        src, dst, d = _hop_ends(s, h)
        source[h], target[h], volume[h] = src, dst, d
        if src != OUTSIDE:
            sent[src] += d
            if dst != OUTSIDE:
                pending[dst] += d
        else:
            if HOP_LINK[h] == LINK_INFUSION:
                held_o2[dst] += d * p.INFUSION_O2
            else:
                own_o2[dst] += d
            own_co2[dst] += d
    for n in NODE_ORDER:
        # The volume mixed: what the node held at the start and what has reached it
        # (never less than what it sends, so that it cannot send more than it has).
        c_o2 = held_o2[n] / max(size_o2[n] + sent[n] - own_o2[n] - pending[n], sent[n], 1.0)
        c_co2 = held_co2[n] / max(size_co2[n] + sent[n] - own_co2[n] - pending[n], sent[n], 1.0)
        held_o2[n] += c_o2 * (own_o2[n] - sent[n])
        held_co2[n] += c_co2 * (own_co2[n] - sent[n])
        for i in range(NODE_HOPS.shape[1]):
            h = NODE_HOPS[n, i]
            if h < 0:
                break
            dst = target[h]
            if source[h] == n and dst != OUTSIDE:
                held_o2[dst] += volume[h] * c_o2
                held_co2[dst] += volume[h] * c_co2
                pending[dst] -= volume[h]
    for c in range(N_BLOOD):
        s.N_O2[c] = held_o2[c]
        s.N_CO2[c] = held_co2[c]
    for j in range(N_BEDS):
        s.T_O2[j] = held_o2[N_BLOOD + j]
        s.T_CO2[j] = held_co2[N_BLOOD + j]


@jit
def _o2_use_fraction(content, critical):
    c = max(content, 0.0) / critical
    x = c**O2_USE_HILL
    return x / (1.0 + x)


@jit
def tissue_metabolism(s, p, dt):
    """Consume O2 and produce CO2 in every bed.

    Use is independent of supply until the tissue's O2 content nears the critical
    level, then falls (a Hill curve normalised to 1 at the resting content). Keeps the
    share of each bed's demand met in `s.AEROBIC`. The demand not met is met by
    glycolysis, whose lactic acid the tissue's bicarbonate buffers where it is made,
    releasing CO2 into that tissue (Wasserman 1973; with no flow it stays there).
    Returns (O2 used, O2 demand not met) in mL STPD.
    """
    used_total = 0.0
    shortfall = 0.0
    critical = p.CRITICAL_TISSUE_O2
    buffered_co2_per_o2 = p.LACTATE_PER_O2_DEFICIT * p.CO2_PER_LACTATE
    for j in range(N_BEDS):
        c_o2 = s.T_O2[j] / p.CAP_O2[j]
        fraction = _o2_use_fraction(c_o2, critical) / _o2_use_fraction(
            p.TISSUE_O2_REST[j], critical
        )
        demand = p.VO2[j] * dt
        used = min(demand * fraction, max(s.T_O2[j], 0.0))
        s.AEROBIC[j] = used / demand if demand > 0.0 else 1.0
        s.T_O2[j] -= used
        unmet = max(demand - used, 0.0)
        s.T_CO2[j] += p.RQ * used + buffered_co2_per_o2 * unmet
        used_total += used
        shortfall += unmet
    return used_total, shortfall


@jit
def adrenergic_lactate_rate(s, p):
    """Lactate made by muscle under adrenaline, without O2 lack (mmol/s).

    In shock, adrenaline drives the muscles' Na+/K+ pump through beta-2 receptors and
    with it an aerobic glycolysis whose pyruvate exceeds what the mitochondria take up:
    much of the lactate of haemorrhage and sepsis is made this way (James 1999; Levy
    2005). It follows the rise of the adrenal drive over the drive the muscle has
    adapted to, so it fades over hours when the drive stays high (Levy, Crit Care
    2005), and saturates above a threshold.
    """
    drive = s.ADRENAL_DRIVE - s.LACTATE_ADAPTED_DRIVE - p.ADRENAL_LACTATE_THRESHOLD
    if drive <= 0.0:
        return 0.0
    per_kg = p.LACTATE_ADRENERGIC_MAX / 60.0 * drive / (drive + p.ADRENAL_LACTATE_HALF_DRIVE)
    return per_kg * p.BODY_MASS


@jit
def lactate_step(s, p, o2_shortfall_mL, dt):
    """Lactate: basal turnover, anaerobic and adrenergic production, hepatic and renal
    clearance.

    Clearing lactic acid above its resting level regenerates the bicarbonate that
    buffered it, from the CO2 of the venous blood reaching the liver and kidneys (the
    venae cavae here); the CO2 of the buffering of anaerobic lactate was released in
    the tissues (`tissue_metabolism`), that of adrenergic lactate enters the muscle's
    venous blood, which carries the lactic acid away.
    """
    volume_L = p.LACTATE_VOLUME
    clearance = p.LACTATE_CLEARANCE
    basal = clearance * p.LACTATE_REST * volume_L * dt
    anaerobic = p.LACTATE_PER_O2_DEFICIT * o2_shortfall_mL / ML_GAS_PER_MMOL
    adrenergic = adrenergic_lactate_rate(s, p) * dt
    cleared = clearance * max(s.LACTATE, 0.0) * volume_L * dt
    s.LACTATE += (basal + anaerobic + adrenergic - cleared) / volume_L
    s.N_CO2_V_MUSCLE += adrenergic * p.CO2_PER_LACTATE * ML_GAS_PER_MMOL
    regenerated_co2_mL = (cleared - basal) * p.CO2_PER_LACTATE * ML_GAS_PER_MMOL
    s.N_CO2_VC = max(s.N_CO2_VC - regenerated_co2_mL, 0.0)
    s.LACTATE_ADAPTED_DRIVE += (
        dt * (s.ADRENAL_DRIVE - s.LACTATE_ADAPTED_DRIVE) / p.ADRENERGIC_LACTATE_FADE_TAU
    )


@jit_inline
def _exchange_damping(blood_mL, alveolar_mL):
    """The share of the full equilibration one step makes: 1 / (1 + r^4), r being the
    capillary blood's capacity for gas per mmHg over the alveolar gas's."""
    ratio = blood_mL * BLOOD_GAS_SLOPE * STPD_TO_PV / alveolar_mL
    return 1.0 / (1.0 + ratio**4)


@jit
def lung_exchange(s, p, dt):
    """Equilibrate pulmonary capillary blood with alveolar gas (shunt and the
    poorly ventilated units of narrowed airways excepted: `low_vq_share`).

    The blood takes the alveolar gas's partial pressures and the difference is moved to
    or from the gas: right while the alveolar gas holds far more of each gas per mmHg
    than the capillary blood, as it normally does (r about 0.2). In lungs squeezed to a
    few hundred mL it would overshoot and oscillate, so the step is damped by
    `_exchange_damping`, which leaves the normal exchange as it is.
    """
    alveolar_volume = max(s.V_LUNG - p.VD1 - p.VD2, MIN_ALVEOLAR_VOLUME_ML)
    pa_o2 = s.ALV_O2 / alveolar_volume
    pa_co2 = s.ALV_CO2 / alveolar_volume
    hb = s.HB
    shunt = ventilated_shunt(s, p)
    v_pa = max(s.V_PA, 1.0)
    v_pc = max(s.V_PC, 1.0)
    venous_o2, venous_co2 = s.N_O2_PA / v_pa, s.N_CO2_PA / v_pa
    low = min(low_vq_share(s, p), 1.0 - shunt)
    normal = 1.0 - shunt - low
    target_o2 = normal * o2_content(pa_o2, pa_co2, hb) + shunt * venous_o2
    target_co2 = normal * co2_content(pa_o2, pa_co2) + shunt * venous_co2
    if low > 0.0:
        # poorly ventilated units: their gas lies part of the way from mixed venous to
        # the well-ventilated alveoli's, so breathing O2 raises it (unlike a shunt)
        pv_o2, pv_co2 = partial_pressures(venous_o2, venous_co2, hb, 40.0, 46.0)
        blend = p.LOW_VQ_EQUILIBRATION
        low_o2 = pv_o2 + blend * (pa_o2 - pv_o2)
        low_co2 = pv_co2 + blend * (pa_co2 - pv_co2)
        target_o2 += low * o2_content(low_o2, low_co2, hb)
        target_co2 += low * co2_content(low_o2, low_co2)
    damping = _exchange_damping(v_pc, alveolar_volume)
    uptake_o2 = damping * (v_pc * target_o2 - s.N_O2_PC)
    uptake_co2 = damping * (v_pc * target_co2 - s.N_CO2_PC)
    s.N_O2_PC += uptake_o2
    s.N_CO2_PC += uptake_co2
    s.ALV_O2 -= uptake_o2 * STPD_TO_PV
    s.ALV_CO2 -= uptake_co2 * STPD_TO_PV
    w = dt / VO2_SMOOTHING_S
    s.VO2_LUNG += w * (uptake_o2 / dt - s.VO2_LUNG)
    s.VCO2_LUNG += w * (-uptake_co2 / dt - s.VCO2_LUNG)


@jit_inline
def low_vq_share(s, p) -> float:
    """Share of pulmonary blood flow through units that narrowed airways leave poorly
    ventilated: the cause of the hypoxaemia of acute asthma, which breathing O2 corrects
    (McFadden ER, Lyons HA. N Engl J Med 1968;278:1027: altered ventilation-perfusion
    ratios, with hypocapnia in most; Rodriguez-Roisin R et al. Am Rev Respir Dis
    1989;139:732: low V/Q units, little shunt)."""
    return p.LOW_VQ_SHARE * bronchial_narrowing(s, p)


@jit
def heat_balance(s, p, o2_used, dt):
    """Advance core temperature by one slow step."""
    heat = o2_used * (JOULES_PER_ML_O2_PER_RQ[0] + JOULES_PER_ML_O2_PER_RQ[1] * p.RQ)
    loss = p.HEAT_CONDUCTANCE * (s.T_CORE - p.T_AMBIENT) * dt
    s.T_CORE += (heat - loss) / p.HEAT_CAPACITY
