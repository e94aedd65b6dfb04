"""Body fluids: blood composition, transcapillary exchange, lymph and urine.

Blood is tracked as volume (the circulation's compartments), red-cell volume and
plasma protein mass; haemoglobin follows from the red-cell volume (mean corpuscular
haemoglobin concentration 34 g/dL). Bleeding removes whole blood, infusions add their
own haematocrit and protein, filtration and urine remove plasma water.

Fluid leaves the capillaries by Starling's law and returns by lymph (Guyton & Hall 2006,
ch. 16): filtration = K_f ((P_c - P_i) - sigma (pi_c - pi_i)), written as a departure
from the resting balance where it equals lymph flow; the interstitium has a compliance,
and lymph flow rises with interstitial pressure. Plasma colloid osmotic pressure comes
from protein concentration by Landis & Pappenheimer (Handbook of Physiology, 1963):
pi = 2.1 C + 0.16 C^2 + 0.009 C^3 (C in g/dL). Urine output follows the renal output
curve (pressure natriuresis, Guyton ch. 19) and falls with blood volume (vasopressin,
aldosterone). At rest the references are the settled resting state, so a patient at
rest is in fluid balance: intake equals urine, filtration equals lymph.

A bleed is flow through the wound's fixed resistance to the outside, so it follows the
pressure in the bleeding compartment (flow = pressure difference / resistance, Guyton &
Hall 2006 ch. 14): the ordered rate is the flow at the patient's resting pressure there,
and the bleed slows as the pressure falls and stops when it reaches zero.
"""

from __future__ import annotations

import numpy as np

from medtwin.compiled.jit import jit, jit_entry
from medtwin.physiology.circulation import (
    A_VU_V0,
    LINK_FILTRATION,
    LINK_HAEMORRHAGE,
    LINK_INFUSION,
    LINK_LYMPH,
    LINK_URINE,
    bleeding_flow,
    bleeding_site_pressure,
    blood_volume,
)
from medtwin.physiology.control import copy_fluid_rates
from medtwin.physiology.layout import HAEMORRHAGE_SITES, M, S, span
from medtwin.physiology.parameters import P

MCHC_G_PER_DL = 34.0
"""Mean corpuscular haemoglobin concentration, Guyton & Hall 2006 ch. 32."""
INTERSTITIAL_ONCOTIC_MMHG = 8.0
"""Interstitial colloid osmotic pressure, Guyton & Hall 2006 ch. 16 (held constant)."""
_MUSCLE = 4  # index of the muscle venous pool among the beds
CAPILLARY_PRESSURE_TAU_S = 300.0
"""Capillary pressure is averaged over minutes before it drives filtration (the
interstitium fills and drains over tens of minutes), so neither the pulse, breathing
nor beat-to-beat variability biases the resting balance."""
BLEED_PRESSURE_TAU_S = 3.0
"""The pressure driving a bleed is averaged over a few beats (the pulse averages out of
a flow that is linear in pressure), sampled at every slow step."""


@jit_entry
def oncotic_pressure(protein_g_per_mL: float) -> float:
    """Plasma colloid osmotic pressure (mmHg), Landis & Pappenheimer 1963."""
    c = 100.0 * protein_g_per_mL
    return 2.1 * c + 0.16 * c * c + 0.009 * c * c * c


@jit
def capillary_pressure(s, p, act) -> float:
    """Mean systemic capillary pressure (mmHg) between arteriolar node and veins."""
    p_sp = p.E_SP * (s.V_SP - p.VU_SP)
    j = _MUSCLE
    p_v = p.E_V[j] * (s.V_V[j] - act[A_VU_V0 + j])
    return p_v + p.CAPILLARY_PRESSURE_FRACTION * (p_sp - p_v)


@jit_entry
def plasma_protein_concentration(protein_g: float, plasma_volume_mL: float) -> float:
    """Plasma protein concentration (g/mL)."""
    return protein_g / max(plasma_volume_mL, 1.0)


@jit
def account_blood(s, p):
    """Update red cells, protein, interstitium and totals from this slow step's links."""
    total = blood_volume(s)
    hct = s.RBC_VOLUME / total
    protein = plasma_protein_concentration(s.PLASMA_PROTEIN, total - s.RBC_VOLUME)
    bled = s.LINK_VOLUME[LINK_HAEMORRHAGE]
    infused = s.LINK_VOLUME[LINK_INFUSION]
    s.RBC_VOLUME += infused * p.INFUSION_HCT - bled * hct
    s.PLASMA_PROTEIN += infused * p.INFUSION_PROTEIN - bled * (1.0 - hct) * protein
    s.V_ISF += s.LINK_VOLUME[LINK_FILTRATION] - s.LINK_VOLUME[LINK_LYMPH]
    s.BLOOD_LOST += bled
    s.FLUID_GIVEN += infused
    s.URINE_PASSED += s.LINK_VOLUME[LINK_URINE]
    s.HB = MCHC_G_PER_DL * s.RBC_VOLUME / total


@jit
def fluid_rates(s, p, act, arterial_pressure, dt):
    """Filtration, lymph and urine flows for the next slow step (mL/s), into `act`."""
    p_i_rise = (s.V_ISF - p.V_ISF_REST) / p.INTERSTITIAL_COMPLIANCE
    protein = plasma_protein_concentration(s.PLASMA_PROTEIN, blood_volume(s) - s.RBC_VOLUME)
    oncotic_rise = oncotic_pressure(protein) - p.ONCOTIC_PRESSURE_REF
    s.CAPILLARY_PRESSURE += (
        dt * (capillary_pressure(s, p, act) - s.CAPILLARY_PRESSURE) / (CAPILLARY_PRESSURE_TAU_S)
    )
    hydrostatic_rise = s.CAPILLARY_PRESSURE - p.CAPILLARY_PRESSURE_REF
    s.FILTRATION_RATE = p.LYMPH_FLOW_REST + p.FILTRATION_COEFFICIENT * (
        hydrostatic_rise - p_i_rise - p.REFLECTION_COEFFICIENT * oncotic_rise
    )
    s.LYMPH_RATE = max(p.LYMPH_FLOW_REST + p.LYMPH_GAIN * p_i_rise, 0.0)

    s.RENAL_PRESSURE += dt * (arterial_pressure - s.RENAL_PRESSURE) / p.RENAL_PRESSURE_TAU
    threshold = p.URINE_PRESSURE_THRESHOLD
    pressure_term = max(s.RENAL_PRESSURE - threshold, 0.0) / (p.RENAL_PRESSURE_REF - threshold)
    volume_term = max(blood_volume(s) / p.BLOOD_VOLUME_REF, 0.0)
    s.URINE_RATE = (
        p.URINE_FLOW_REST
        * pressure_term**p.URINE_PRESSURE_EXPONENT
        * volume_term**p.URINE_VOLUME_EXPONENT
    )
    bleeding_rates(s, p, act, dt)
    copy_fluid_rates(s, act)


@jit
def bleeding_rates(s, p, act, dt):
    """Each bleeding site's flow (mL/s): the ordered rate scaled by the site's pressure
    against its resting pressure (a fixed wound resistance)."""
    w = dt / BLEED_PRESSURE_TAU_S
    for site in range(len(HAEMORRHAGE_SITES)):
        pressure = bleeding_site_pressure(s, p, act, site)
        s.BLEED_PRESSURE[site] += w * (pressure - s.BLEED_PRESSURE[site])
        s.BLEED_RATE[site] = bleeding_flow(s, p, site)


def fluid_references(params: np.ndarray, state: np.ndarray, monitors: np.ndarray) -> None:
    """Make the settled resting state the fluid balance's reference (in place)."""
    params[P.CAPILLARY_PRESSURE_REF] = state[S.CAPILLARY_PRESSURE]
    protein = plasma_protein_concentration(state[S.PLASMA_PROTEIN], monitors[M.plasma_volume])
    params[P.ONCOTIC_PRESSURE_REF] = oncotic_pressure(protein)
    params[P.RENAL_PRESSURE_REF] = state[S.RENAL_PRESSURE]
    params[P.BLOOD_VOLUME_REF] = monitors[M.blood_volume]
    params[P.FLUID_INTAKE] = params[P.URINE_FLOW_REST]
    params[span(P, "HAEMORRHAGE_PRESSURE_REF")] = state[span(S, "BLEED_PRESSURE")]
