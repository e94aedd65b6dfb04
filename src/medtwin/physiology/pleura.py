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
"""

from __future__ import annotations

from medtwin.compiled.jit import jit_inline

SIDES = ("left", "right")
VENT_NONE = 0.0
VENT_NEEDLE = 1.0
VENT_DRAIN = 2.0


@jit_inline
def side_lung_volume(p) -> float:
    """The gas one lung holds at FRC (mL): the room a pneumothorax takes before it
    builds pressure."""
    return 0.5 * p.FRC


@jit_inline
def collapse(s, p, side) -> float:
    """Share of one lung collapsed by its pneumothorax (0-1)."""
    return min(max(s.PTX_VOLUME[side], 0.0) / side_lung_volume(p), 1.0)


@jit_inline
def tension_cmH2O(s, p, side) -> float:
    """Pressure the pneumothorax builds once its lung is down (cmH2O): the excess air
    against that hemithorax's half of the chest wall's compliance."""
    excess = s.PTX_VOLUME[side] - side_lung_volume(p)
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
    """Let air into each pleural space through its leak, out through a needle or a
    drain."""
    for side in range(len(SIDES)):
        vent = p.PTX_VENT[side]
        volume = s.PTX_VOLUME[side]
        if vent == VENT_DRAIN:
            volume -= volume * min(dt / p.CHEST_DRAIN_TAU, 1.0)
        else:
            volume += p.PTX_LEAK[side] * dt
            if vent == VENT_NEEDLE:
                volume = min(volume, side_lung_volume(p))
        s.PTX_VOLUME[side] = max(volume, 0.0)
