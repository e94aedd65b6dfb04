"""Drugs on board: pharmacokinetics per slot and their summed effects.

Each patient has `DRUG_SLOTS` slots; a drug gets one the first time it is given. A
slot holds the drug's amounts in a mammillary model (central, two peripheral
compartments) and its effect-site level, advanced exactly over each slow step by the
transition matrix that `medtwin.pharmacology.transition` computes from the published
population model (x' = Phi x + Gamma u, u the infusion rate). Effects are sigmoid Emax
(Hill) functions of the effect-site concentration (MODELS.md, Drugs), combined across
drugs multiplicatively on each target: a fractional change e_d of each drug gives
prod(1 + e_d) - 1. Opioid effects are scaled down by opioid receptor block
(naloxone): competitive antagonism lumped as a fraction of receptors blocked.
"""

from __future__ import annotations

from medtwin.physiology.jit import jit
from medtwin.physiology.layout import DRUG_SLOTS, DRUG_STATES, EFFECT_TARGETS, N_EFFECTS, S
from medtwin.physiology.parameters import P

OPIOID_BLOCK = EFFECT_TARGETS.index("opioid_receptor_block")


@jit
def _hill(concentration, emax, ec50, hill):
    if emax == 0.0 or concentration <= 0.0:
        return 0.0
    x = (concentration / ec50) ** hill
    return emax * x / (1.0 + x)


@jit
def drug_step(s, p):
    """Advance every occupied slot by one slow step and refresh the summed effects."""
    x = s[S.DRUG_X_0 : S.DRUG_X_0 + DRUG_SLOTS * DRUG_STATES]
    for slot in range(DRUG_SLOTS):
        if p[P.DRUG_V1_0 + slot] <= 0.0:
            continue
        base = slot * DRUG_STATES
        phi = P.DRUG_PHI_0 + base * DRUG_STATES
        old0, old1, old2, old3 = x[base], x[base + 1], x[base + 2], x[base + 3]
        rate = p[P.DRUG_RATE_0 + slot]
        for i in range(DRUG_STATES):
            row = phi + i * DRUG_STATES
            x[base + i] = (
                p[row] * old0 + p[row + 1] * old1 + p[row + 2] * old2 + p[row + 3] * old3
                + p[P.DRUG_GAMMA_0 + base + i] * rate
            )  # fmt: skip
    summed_effects(s, p)


@jit
def effect_site_concentration(s, p, slot):
    """Effect-site concentration of a slot, in the drug's concentration unit."""
    return s[S.DRUG_X_0 + slot * DRUG_STATES + 3] * p[P.DRUG_CONC_FACTOR_0 + slot]


@jit
def plasma_concentration(s, p, slot):
    """Plasma concentration of a slot, in the drug's concentration unit."""
    v1 = p[P.DRUG_V1_0 + slot]
    if v1 <= 0.0:
        return 0.0
    return s[S.DRUG_X_0 + slot * DRUG_STATES] / v1 * p[P.DRUG_CONC_FACTOR_0 + slot]


@jit
def summed_effects(s, p):
    """Fractional change of every target from all drugs on board."""
    unblocked = 1.0
    for slot in range(DRUG_SLOTS):
        k = slot * N_EFFECTS + OPIOID_BLOCK
        ce = effect_site_concentration(s, p, slot)
        unblocked *= 1.0 - _hill(ce, p[P.DRUG_EMAX_0 + k], p[P.DRUG_EC50_0 + k],
                                 p[P.DRUG_HILL_0 + k])  # fmt: skip
    for target in range(N_EFFECTS):
        product = 1.0
        for slot in range(DRUG_SLOTS):
            k = slot * N_EFFECTS + target
            if target == OPIOID_BLOCK or p[P.DRUG_EMAX_0 + k] == 0.0:
                continue
            ce = effect_site_concentration(s, p, slot)
            effect = _hill(ce, p[P.DRUG_EMAX_0 + k], p[P.DRUG_EC50_0 + k], p[P.DRUG_HILL_0 + k])
            if p[P.DRUG_OPIOID_0 + slot] > 0.0:
                effect *= unblocked
            product *= 1.0 + effect
        s[S.EFFECT_0 + target] = product - 1.0
    s[S.EFFECT_0 + OPIOID_BLOCK] = 1.0 - unblocked
