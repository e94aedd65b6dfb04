"""Chest compressions: the pressure a rescuer's hands put on the chest, step by step.

A compression squeezes the whole chest (the thoracic pump: every intrathoracic vessel
feels it as a rise of pleural pressure; Rudikoff MT et al. Circulation 1980;61:345; the
lungs give up only a small volume of air, their small airways closing under the push)
and the heart between sternum and spine (the cardiac pump: the ventricles feel part of
it directly; Deshmukh HG et al. Chest 1989;95:1092). Valves in the heart and in the
veins at the thoracic inlet (Rudikoff 1980) turn that push into forward flow, which
the circulation model computes; this module
gives only the pressure:
- each compression is a half sine over half its cycle (a 50 % duty cycle, the
  guidelines' target; Perkins GD et al. Resuscitation 2021;161:115, ERC 2021 BLS);
- its peak grows with depth (`COMPRESSION_PRESSURE_PER_CM`);
- compressions come in runs of `COMPRESSIONS_PER_CYCLE`, separated by pauses that
  leave hands on the chest for the ordered fraction of the time (the chest-compression
  fraction, Christenson J et al. Circulation 2009;120:1241);
- leaning keeps a share of the peak force on the chest between compressions, which
  stops the chest recoiling and the heart refilling (Zuercher M et al. Crit Care Med
  2010;38:1141).
"""

from __future__ import annotations

import numpy as np

from medtwin.compiled.jit import jit_inline

COMPRESSIONS_PER_CYCLE = 30.0
"""Compressions between pauses: 30:2 (Perkins 2021, ERC BLS)."""


@jit_inline
def compressed_lung_pressure(p, compression_mmHg):
    """What a compression adds to the pleural pressure the lungs feel (cmH2O): the
    chest volume it takes from them (`COMPRESSION_LUNG_DISPLACEMENT_PER_CM` per cm of
    depth) against the chest wall's compliance. The vessels feel the whole push."""
    if compression_mmHg <= 0.0:
        return 0.0
    depth_cm = compression_mmHg / p.COMPRESSION_PRESSURE_PER_CM
    return depth_cm * p.COMPRESSION_LUNG_DISPLACEMENT_PER_CM / p.C_CHEST_WALL


@jit_inline
def compression_pressure(elapsed_s, p):
    """Pressure (mmHg) the hands put on the chest `elapsed_s` after CPR started."""
    rate = p.CPR_RATE
    if rate <= 0.0:
        return 0.0
    period = 60.0 / rate
    run = COMPRESSIONS_PER_CYCLE * period
    cycle = run / max(p.CPR_FRACTION, 1e-3)
    in_cycle = elapsed_s - cycle * np.floor(elapsed_s / cycle)
    if in_cycle >= run:
        return 0.0  # the pause: hands off the chest
    peak = p.COMPRESSION_PRESSURE_PER_CM * p.CPR_DEPTH
    phase = in_cycle / period - np.floor(in_cycle / period)
    resting = p.CPR_LEANING * peak
    if phase < 0.5:
        return max(peak * np.sin(2.0 * np.pi * phase), resting)
    return resting
