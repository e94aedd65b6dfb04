"""The pleural spaces: air that leaks into them, the lung it collapses, the pressure it
builds, and its release by a needle or a drain.

A tension pneumothorax is air let into one pleural space through a one-way leak at each
breath. It first takes the room of that side's lung, which collapses (its blood becomes
a shunt, the ventilated lung halves); once that lung is down, more air stretches the
hemithorax (its half of the chest wall's compliance), and the pressure pushes the
mediastinum over, squeezing the great veins and the other lung: venous return falls,
then cardiac output and pressure, and the heart stops in pulseless electrical activity
if nothing is done (Barton ED et al. J Emerg Med 1997;15:147; Nelson D et al. J Trauma
Acute Care Surg 2013;74:1106). A needle vents the tension but leaves the lung down; a
chest drain lets it re-expand.

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
def tension_cmH2O(s, p, side) -> float:
    """Pressure a pneumothorax or haemothorax builds once its lung is down (cmH2O): the
    excess contents against that hemithorax's half of the chest wall's compliance."""
    excess = pleural_contents(s, side) - side_lung_volume(p)
    return max(excess, 0.0) / (0.5 * p.C_CHEST_WALL)


@jit_inline
def mediastinal_pressure_cmH2O(s, p) -> float:
    """What the tension of both sides adds to the pressure around the heart, great
    vessels and other lung (`PNEUMOTHORAX_TRANSMISSION` of it)."""
    total = 0.0
    for side in range(len(SIDES)):
        total += tension_cmH2O(s, p, side)
    return p.PNEUMOTHORAX_TRANSMISSION * total


@jit_inline
def pleura_step(s, p, dt):
    """Let air into each pleural space through its leak and blood through its bleeding
    site; a needle lets out the air that builds tension, a drain empties both."""
    for side in range(len(SIDES)):
        vent = p.PTX_VENT[side]
        air = s.PTX_VOLUME[side]
        blood = s.PLEURAL_BLOOD[side] + s.BLEED_RATE[_CHEST_SITES[side]] * dt
        if vent == VENT_DRAIN:
            drained = min(dt / p.CHEST_DRAIN_TAU, 1.0)
            air -= air * drained
            blood -= blood * drained
        else:
            air += p.PTX_LEAK[side] * dt
            if vent == VENT_NEEDLE:
                air = min(air, max(side_lung_volume(p) - blood, 0.0))
        s.PTX_VOLUME[side] = max(air, 0.0)
        s.PLEURAL_BLOOD[side] = max(blood, 0.0)
