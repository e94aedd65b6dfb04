"""The pleural spaces: air that leaks into them, the lung it collapses, the pressure it
builds, and its release by a needle or a drain.

A tension pneumothorax is air let into one pleural space through a one-way tear in the
lung: air passes whenever the alveolar pressure exceeds that side's pleural pressure,
and never back. It first takes the room of that side's lung, which collapses (its blood
becomes a shunt, the ventilated lung halves); once that lung is down, more air stretches
the chest wall, and the pressure squeezes the great veins and the other lung (below):
venous return falls, then cardiac output and pressure, and the heart stops in pulseless
electrical activity if nothing is done (Barton ED et al. J Emerg Med 1997;15:147; Nelson
D et al. J Surg Res 2013, pii S0022-4804(13)00505-2). The tension grows only while
something can still push air through the tear: a breathing patient's inspiratory effort,
which lowers the pressure around the collapsed lung below the alveolar pressure, or a
ventilator's positive airway pressure, which is why the ventilated patient decompensates
faster and further (Leigh-Smith S, Harris T. Emerg Med J 2005;22:8). A needle vents the
tension but leaves the lung down; a chest drain lets it re-expand.

The chest is one compartment: what the pleural spaces hold beyond their lungs' room
stretches its wall and raises the pressure in both pleural spaces and around the heart
together (a mobile mediastinum, as in the swine models), so the inflating lung raises
the tension too.

A haemothorax is blood bled into a pleural space (the `chest_left` and `chest_right`
bleeding sites): it takes the lung's room and builds pressure as air does, and it is
lost from the circulation. A needle lets out air, not blood; a chest drain drains both
(ATLS 10th ed. ch. 4: a massive haemothorax, 1500 mL or more, is drained and the blood
replaced).
"""

from __future__ import annotations

from medtwin.compiled.jit import jit_inline
from medtwin.physiology.layout import HAEMORRHAGE_SITES

SIDES = ("left", "right")
VENT_NONE = 0.0
VENT_NEEDLE = 1.0
VENT_DRAIN = 2.0
_CHEST_SITES = (HAEMORRHAGE_SITES.index("chest_left"), HAEMORRHAGE_SITES.index("chest_right"))


@jit_inline
def side_lung_volume(p) -> float:
    """The gas one lung holds at FRC (mL): the room a pneumothorax takes before it
    builds pressure."""
    return 0.5 * p.FRC


@jit_inline
def pleural_contents(s, side) -> float:
    """What fills one pleural space (mL): its air and its blood."""
    return max(s.PTX_VOLUME[side], 0.0) + max(s.PLEURAL_BLOOD[side], 0.0)


@jit_inline
def collapse(s, p, side) -> float:
    """Share of one lung collapsed by what fills its pleural space (0-1)."""
    return min(pleural_contents(s, side) / side_lung_volume(p), 1.0)


@jit_inline
def chest_excess(s, p) -> float:
    """What the pleural spaces hold beyond the room of their collapsed lungs (mL): the
    volume that, added to the lungs', stretches the chest wall and raises the pressure
    in both pleural spaces and around the heart and great veins
    (`respiration.pleural_pressure`)."""
    excess = 0.0
    for side in range(len(SIDES)):
        excess += max(pleural_contents(s, side) - side_lung_volume(p), 0.0)
    return excess


@jit_inline
def accumulate_leak(s, p, transpulmonary, dt):
    """Let air through each lung's tear over one fast step: its conductance
    (`PTX_LEAK`) times the alveolar pressure's excess over the pleural pressure
    (`transpulmonary`, cmH2O), and none back (a one-way valve); `pleura_step` adds it
    to the pleural air. A breathing patient's inspiration and a ventilator's push both
    open it; it closes when the squeezed lungs no longer expand."""
    for side in range(len(SIDES)):
        s.PTX_INFLOW[side] += p.PTX_LEAK[side] * max(transpulmonary, 0.0) * dt


@jit_inline
def pleura_step(s, p, dt):
    """Add the air let through each tear (`accumulate_leak`) and the blood of each
    bleeding site to its pleural space; a needle lets out the air that builds tension,
    a drain empties both and carries off the tear's air as it comes (it bubbles), and
    keeps count of the blood it lets out (its bottle, `DRAIN_BLOOD`) until removed."""
    for side in range(len(SIDES)):
        vent = p.PTX_VENT[side]
        air = s.PTX_VOLUME[side]
        blood = s.PLEURAL_BLOOD[side] + s.BLEED_RATE[_CHEST_SITES[side]] * dt
        if vent == VENT_DRAIN:
            drained = min(dt / p.CHEST_DRAIN_TAU, 1.0)
            air -= air * drained
            s.DRAIN_BLOOD[side] += blood * drained
            blood -= blood * drained
        else:
            s.DRAIN_BLOOD[side] = 0.0
            air += s.PTX_INFLOW[side]
            if vent == VENT_NEEDLE:
                air = min(air, max(side_lung_volume(p) - blood, 0.0))
        s.PTX_INFLOW[side] = 0.0
        s.PTX_VOLUME[side] = max(air, 0.0)
        s.PLEURAL_BLOOD[side] = max(blood, 0.0)
