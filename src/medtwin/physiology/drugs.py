"""Drugs on board: pharmacokinetics per slot and their summed effects.

Each patient has `DRUG_SLOTS` slots; a drug gets one the first time it is given. A
slot holds the drug's amounts in a mammillary model (central, two peripheral
compartments) and its effect-site level, advanced exactly over each slow step by the
transition matrix that `medtwin.pharmacology.transition` computes from the published
population model (x' = Phi x + Gamma u, u the infusion rate). Effects are sigmoid Emax
(Hill) functions of the effect-site concentration (docs/reference/MODELS.md, Drugs), combined across
drugs multiplicatively on each target: a fractional change e_d of each drug gives
prod(1 + e_d) - 1. Opioid effects are scaled down by opioid receptor block
(naloxone): competitive antagonism lumped as a fraction of receptors blocked. The
neuromuscular effect is the depression of the single twitch (T1); only the blockers
whose block fades (non-depolarising, `DRUG_FADES`) lower the train-of-four ratio.
"""

from __future__ import annotations

from medtwin.compiled.jit import jit
from medtwin.physiology.layout import DRUG_SLOTS, DRUG_STATES, EFFECT_TARGETS, N_EFFECTS

OPIOID_BLOCK = EFFECT_TARGETS.index("opioid_receptor_block")
NEUROMUSCULAR = EFFECT_TARGETS.index("neuromuscular_transmission")


@jit
def _hill(concentration, emax, ec50, hill):
    if emax == 0.0 or concentration <= 0.0:
        return 0.0
    x = (concentration / ec50) ** hill
    return emax * x / (1.0 + x)


@jit
def drug_step(s, p):
    """Advance every occupied slot by one slow step and refresh the summed effects."""
    x = s.DRUG_X
    transition = p.DRUG_PHI
    for slot in range(DRUG_SLOTS):
        if p.DRUG_V1[slot] <= 0.0:
            continue
        base = slot * DRUG_STATES
        phi = base * DRUG_STATES
        old0, old1, old2, old3 = x[base], x[base + 1], x[base + 2], x[base + 3]
        rate = p.DRUG_RATE[slot]
        for i in range(DRUG_STATES):
            row = phi + i * DRUG_STATES
            x[base + i] = (
                transition[row] * old0 + transition[row + 1] * old1
                + transition[row + 2] * old2 + transition[row + 3] * old3
                + p.DRUG_GAMMA[base + i] * rate
            )  # fmt: skip
    summed_effects(s, p)


@jit
def effect_site_concentration(s, p, slot):
    """Effect-site concentration of a slot, in the drug's concentration unit."""
    return s.DRUG_X[slot * DRUG_STATES + 3] * p.DRUG_CONC_FACTOR[slot]


@jit
def plasma_concentration(s, p, slot):
    """Plasma concentration of a slot, in the drug's concentration unit."""
    v1 = p.DRUG_V1[slot]
    if v1 <= 0.0:
        return 0.0
    return s.DRUG_X[slot * DRUG_STATES] / v1 * p.DRUG_CONC_FACTOR[slot]


@jit
def summed_effects(s, p):
    """Fractional change of every target from all drugs on board."""
    unblocked = 1.0
    for slot in range(DRUG_SLOTS):
        k = slot * N_EFFECTS + OPIOID_BLOCK
        ce = effect_site_concentration(s, p, slot)
        unblocked *= 1.0 - _hill(ce, p.DRUG_EMAX[k], p.DRUG_EC50[k],
                                 p.DRUG_HILL[k])  # fmt: skip
    for target in range(N_EFFECTS):
        product = 1.0
        for slot in range(DRUG_SLOTS):
            k = slot * N_EFFECTS + target
            if target == OPIOID_BLOCK or p.DRUG_EMAX[k] == 0.0:
                continue
            ce = effect_site_concentration(s, p, slot)
            effect = _hill(ce, p.DRUG_EMAX[k], p.DRUG_EC50[k], p.DRUG_HILL[k])
            if p.DRUG_OPIOID[slot] > 0.0:
                effect *= unblocked
            product *= 1.0 + effect
        s.EFFECT[target] = product - 1.0
    s.EFFECT[OPIOID_BLOCK] = 1.0 - unblocked


@jit
def train_of_four_ratio(s, p):
    """T4/T1 of the train of four: the transmission left by the blockers that fade it.

    A competitive (non-depolarising) block fades the train of four as it depresses the
    twitch, lumped here as T4/T1 equal to their twitch fraction; a phase I depolarising
    block lowers all four twitches alike, leaving the ratio at 1 (Lee C. Br J Anaesth
    1975;47:841-845).
    """
    ratio = 1.0
    for slot in range(DRUG_SLOTS):
        if p.DRUG_FADES[slot] > 0.0:
            k = slot * N_EFFECTS + NEUROMUSCULAR
            ce = effect_site_concentration(s, p, slot)
            ratio *= 1.0 + _hill(ce, p.DRUG_EMAX[k], p.DRUG_EC50[k], p.DRUG_HILL[k])
    return min(max(ratio, 0.0), 1.0)
