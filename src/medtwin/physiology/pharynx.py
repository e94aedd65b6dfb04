"""The pharynx of an unconscious patient: the airway obstruction of lost muscle tone.

Awake, the muscles of the tongue and pharynx hold the upper airway open. As
consciousness is lost they relax and the pharynx closes at the soft palate and the
epiglottis, the tongue falling back with them (Nandi PR et al. Br J Anaesth
1991;66:157), the more so the deeper the anaesthesia (Eastwood PR et al.
Anesthesiology 2005;103:470). The American Society of Anesthesiologists' continuum of
depth of sedation (2019) puts it clinically: at moderate sedation the airway needs no
intervention, in deep sedation it may, under general anaesthesia it often does.

Head tilt–chin lift, a jaw thrust or an airway adjunct (oro- or nasopharyngeal) opens
it (Resuscitation Council UK, Adult basic and advanced life support, 2021), and so does
whoever holds a face mask for a bag; a tracheal tube or supraglottic airway bypasses
it.
"""

from __future__ import annotations

from medtwin.compiled.jit import jit
from medtwin.physiology.monitors import consciousness_index
from medtwin.physiology.ventilation import MODE_BAG, TUBE_NONE, TUBE_OESOPHAGUS


@jit
def pharyngeal_obstruction(s, p) -> float:
    """Share of the pharynx's cross-section lost (0-1): none while the patient is awake
    enough (a BIS-like index at or above `PHARYNX_OPEN_BIS`), rising linearly to
    `PHARYNGEAL_OBSTRUCTION_MAX` at `PHARYNX_CLOSED_BIS`; none while the airway is
    supported (`AIRWAY_SUPPORT`), held for a bag, or bypassed by a tube in the airway."""
    bypassed = p.AIRWAY_TUBE != TUBE_NONE and p.AIRWAY_TUBE != TUBE_OESOPHAGUS
    if bypassed or p.AIRWAY_SUPPORT > 0.0 or p.VENT_MODE == MODE_BAG:
        return 0.0
    depth = (p.PHARYNX_OPEN_BIS - consciousness_index(s, p)) / (
        p.PHARYNX_OPEN_BIS - p.PHARYNX_CLOSED_BIS
    )
    return p.PHARYNGEAL_OBSTRUCTION_MAX * min(max(depth, 0.0), 1.0)
