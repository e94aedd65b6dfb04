"""Gas transport in blood, tissue metabolism, lung gas exchange and heat balance.

Run once per slow step with the blood volume each flow link carried during it:
- transport: every blood compartment holds O2 and CO2 amounts (mL STPD) and passes
  them on upwind with the volume it sends, so contents travel with the blood and the
  compartments' volumes give the transport delays (Albanese 2016 uses pure delays
  instead; well-mixed compartments conserve mass exactly);
- tissues: each bed's tissue exchanges with the blood that crosses it, which leaves at
  the tissue's content; tissues consume O2 at their share of the resting metabolic rate
  and produce CO2 at the respiratory quotient;
- lungs: pulmonary capillary blood equilibrates with alveolar gas, except the shunt
  fraction, which keeps mixed-venous content (Albanese 2016; Levitzky 2013 ch. 5);
- heat: metabolic heat (Weir 1949: 3.941 kcal/L O2 + 1.106 kcal/L CO2) against a
  conductive loss that balances it at the resting core temperature.
"""

from __future__ import annotations

import numpy as np

from medtwin.physiology.bloodgas import co2_content, o2_content
from medtwin.physiology.circulation import LINK_BED0
from medtwin.physiology.jit import jit_inline
from medtwin.physiology.layout import BLOOD_COMPARTMENTS, N_LINKS, S
from medtwin.physiology.parameters import P

N_BLOOD = len(BLOOD_COMPARTMENTS)
BLOOD_VOLUME_STATE = np.array(
    [S.V_PV, S.V_LA, S.V_LV, S.V_SA, S.V_SP,
     S.V_V_BRAIN, S.V_V_HEART, S.V_V_SPLANCHNIC, S.V_V_KIDNEY, S.V_V_MUSCLE, S.V_V_REST,
     S.V_VC, S.V_RA, S.V_RV, S.V_PA, S.V_PC],
    dtype=np.int64,
)  # fmt: skip
B_PV, B_SA, B_SP, B_V0, B_PA, B_PC = 0, 3, 4, 5, 14, 15
# (from, to) blood compartments of each flow link; bed links pass through a tissue
LINK_FROM = np.array([0, 1, 2, 3, 4, 4, 4, 4, 4, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])
LINK_TO = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11, 11, 11, 11, 11, 12, 13, 14, 15, 0])

STPD_TO_PV = 760.0 * 310.15 / 273.15
"""mmHg*mL of alveolar gas (37 degC) per mL of gas at STPD."""
JOULES_PER_ML_O2_PER_RQ = (3.941 * 4.184, 1.106 * 4.184)
"""Weir JB de V. J Physiol 1949;109:1-9: heat per mL O2 = 3.941 + 1.106 RQ (cal)."""
VO2_SMOOTHING_S = 20.0
MICHAELIS_O2_CONTENT = 2e-4
"""Tissue O2 content (mL/mL) at which consumption halves; keeps stores non-negative."""


@jit_inline
def transport(s, p):
    """Move blood O2 and CO2 along the links with the volumes they carried."""
    net = np.zeros(N_BLOOD)
    for k in range(N_LINKS):
        d = s[S.LINK_VOLUME_0 + k]
        net[LINK_FROM[k]] -= d
        net[LINK_TO[k]] += d
    c_o2 = np.empty(N_BLOOD)
    c_co2 = np.empty(N_BLOOD)
    for c in range(N_BLOOD):
        v_start = max(s[BLOOD_VOLUME_STATE[c]] - net[c], 1.0)
        c_o2[c] = s[S.N_O2_PV + c] / v_start
        c_co2[c] = s[S.N_CO2_PV + c] / v_start
    for k in range(N_LINKS):
        d = s[S.LINK_VOLUME_0 + k]
        a = LINK_FROM[k]
        b = LINK_TO[k]
        if LINK_BED0 <= k < LINK_BED0 + 6:
            j = k - LINK_BED0
            t_o2 = s[S.T_O2_BRAIN + j] / p[P.CAP_O2_BRAIN + j]
            t_co2 = s[S.T_CO2_BRAIN + j] / p[P.CAP_CO2_BRAIN + j]
            if d >= 0.0:
                in_o2, in_co2, out_o2, out_co2 = d * c_o2[a], d * c_co2[a], d * t_o2, d * t_co2
            else:
                in_o2, in_co2, out_o2, out_co2 = d * t_o2, d * t_co2, d * c_o2[b], d * c_co2[b]
            s[S.T_O2_BRAIN + j] += in_o2 - out_o2
            s[S.T_CO2_BRAIN + j] += in_co2 - out_co2
        else:
            src = a if d >= 0.0 else b
            in_o2 = out_o2 = d * c_o2[src]
            in_co2 = out_co2 = d * c_co2[src]
        s[S.N_O2_PV + a] -= in_o2
        s[S.N_CO2_PV + a] -= in_co2
        s[S.N_O2_PV + b] += out_o2
        s[S.N_CO2_PV + b] += out_co2
        s[S.LINK_VOLUME_0 + k] = 0.0


@jit_inline
def tissue_metabolism(s, p, dt):
    """Consume O2 and produce CO2 in every bed; returns the O2 used (mL STPD)."""
    used_total = 0.0
    for j in range(6):
        c_o2 = s[S.T_O2_BRAIN + j] / p[P.CAP_O2_BRAIN + j]
        used = p[P.VO2_BRAIN + j] * dt * max(c_o2, 0.0) / (max(c_o2, 0.0) + MICHAELIS_O2_CONTENT)
        s[S.T_O2_BRAIN + j] -= used
        s[S.T_CO2_BRAIN + j] += p[P.RQ] * used
        used_total += used
    return used_total


@jit_inline
def lung_exchange(s, p, dt):
    """Equilibrate pulmonary capillary blood with alveolar gas (shunt excepted)."""
    alveolar_volume = s[S.V_LUNG] - p[P.VD1] - p[P.VD2]
    pa_o2 = s[S.ALV_O2] / alveolar_volume
    pa_co2 = s[S.ALV_CO2] / alveolar_volume
    hb = p[P.HB]
    shunt = p[P.SHUNT]
    v_pa = max(s[S.V_PA], 1.0)
    v_pc = max(s[S.V_PC], 1.0)
    target_o2 = (1 - shunt) * o2_content(pa_o2, pa_co2, hb) + shunt * s[S.N_O2_PA] / v_pa
    target_co2 = (1 - shunt) * co2_content(pa_o2, pa_co2) + shunt * s[S.N_CO2_PA] / v_pa
    uptake_o2 = v_pc * target_o2 - s[S.N_O2_PC]
    uptake_co2 = v_pc * target_co2 - s[S.N_CO2_PC]
    s[S.N_O2_PC] += uptake_o2
    s[S.N_CO2_PC] += uptake_co2
    s[S.ALV_O2] -= uptake_o2 * STPD_TO_PV
    s[S.ALV_CO2] -= uptake_co2 * STPD_TO_PV
    w = dt / VO2_SMOOTHING_S
    s[S.VO2_LUNG] += w * (uptake_o2 / dt - s[S.VO2_LUNG])
    s[S.VCO2_LUNG] += w * (-uptake_co2 / dt - s[S.VCO2_LUNG])


@jit_inline
def heat_balance(s, p, o2_used, dt):
    """Advance core temperature by one slow step."""
    heat = o2_used * (JOULES_PER_ML_O2_PER_RQ[0] + JOULES_PER_ML_O2_PER_RQ[1] * p[P.RQ])
    loss = p[P.HEAT_CONDUCTANCE] * (s[S.T_CORE] - p[P.T_AMBIENT]) * dt
    s[S.T_CORE] += (heat - loss) / p[P.HEAT_CAPACITY]
