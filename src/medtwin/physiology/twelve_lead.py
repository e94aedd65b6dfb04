"""The standard 12-lead ECG from the rhythm's waves: a cardiac dipole seen by each lead.

The heart is a dipole (Einthoven's): at each moment one vector, and a lead records its
projection on the lead's own vector. Each wave of a drawing (`ecg.WAVES`: P, Q, R, S, T)
is given a direction of its own in the chest, so the dipole turns during the beat as the
activation front does (the septum first, then the free walls, then the base); the lead
II of each wave is the drawing's (`ecg`), so lead II here is exactly the monitor's.

A wave of lead-II voltage ``v`` along direction ``d`` is ``v · (L·d) / (II·d)`` in lead
L, with L and II the rows of Dower's matrix, which turns a dipole in Frank's axes (x to
the patient's left, y to the feet, z to the back) into the eight independent leads I, II
and V1-V6 (Dower GE, Machado HB, Osborne JA. On deriving the electrocardiogram from
vectorcardiographic leads. Clin Cardiol 1980;3:87-95). The other four follow from
Einthoven's law (III = II - I) and Goldberger's augmented leads (aVR = -(I + II)/2,
aVL = I - II/2, aVF = II - I/2).

The wave directions give the normal adult 12-lead (Surawicz B, Knilans TK. Chou's
Electrocardiography in Clinical Practice, 6th ed. Saunders, 2008, ch. 1): the QRS's (q,
r, s) were fitted by least squares to a typical normal pattern at 60/min, R and S in mV
of I 0.6/0.1, V1 0.25/0.9, V2 0.5/1.3, V3 0.8/0.8, V4 1.3/0.4, V5 1.3/0.2, V6 1.0/0.1
(R growing from V1 to V4-V5 and S shrinking, the transition R = S at V3-V4; a septal q
in I and V5-V6 and a small r in V1); the P's and T's were set for frontal axes of about
+56° and +50°, the QRS's (from its net deflections) coming out at about +44°, all inside
the normal ranges (QRS -30° to +90°: Mason JW, Hancock EW, Gettes LS. Circulation
2007;115:1325-1332), with T upright in I, II and V2-V6, inverted in aVR and flat in V1.
The atria's fibrillation and flutter waves take the P wave's direction, ventricular
fibrillation and a pacing spike the R wave's; a wide complex (ventricular tachycardia,
escape, paced beats) is the sinus QRS-T stretched in time (`ecg`), so it keeps these
directions too: a simplification (a real ventricular beat's dipole turns otherwise).
"""

from __future__ import annotations

import numpy as np

from medtwin.physiology.ecg import WAVES

LEADS = ("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6")
"""The 12 standard leads, in the order of the printed report's columns."""
MONITOR_LEADS = ("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V5")
"""The leads a bedside monitor can draw as live waveforms (`monitor_channel` names
them): the six limb leads a 3- or 5-electrode monitor derives, V1 for arrhythmias (a
wide complex's origin, bundle-branch block) and V5 for the left ventricle's ischaemia
(Drew BJ, Califf RM, Funk M, et al. Practice standards for electrocardiographic
monitoring in hospital settings. Circulation 2004;110:2721-2746)."""
RECORD_S = 10.0
"""Seconds of a standard 12-lead recording (the report's 10 s rhythm strip: Kligfield
2007)."""
SOURCES = ("McSharry 2003", "Dower 1980", "Surawicz & Knilans 2008", "Mason 2007",
           "Kligfield 2007")  # fmt: skip
"""The works a 12-lead recording draws on, as `data/bibliography.yaml` cites them: the
waves of lead II, the lead vectors, the normal pattern and axes, the recording."""

_DOWER = {
    "I": (0.632, -0.235, 0.059),
    "II": (0.235, 1.066, -0.132),
    "V1": (-0.515, 0.157, -0.917),
    "V2": (0.044, 0.164, -1.387),
    "V3": (0.882, 0.098, -1.277),
    "V4": (1.213, 0.127, -0.601),
    "V5": (1.125, 0.127, -0.086),
    "V6": (0.831, 0.076, 0.230),
}
"""Dower 1980: each lead's vector in Frank's axes (x, y, z), mV per unit of dipole."""

WAVE_DIRECTIONS = {
    "p": (0.40, 0.25, 0.05),  # leftward, inferior
    "q": (-0.12, -0.14, -0.28),  # the septum: rightward, superior, anterior
    "r": (2.48, 1.64, 0.41),  # the free walls: leftward, inferior, a little posterior
    "s": (0.14, -0.14, 0.74),  # the base: superior, posterior
    "t": (0.50, 0.22, -0.20),  # leftward, inferior, anterior
}
"""Direction of each wave's dipole in Frank's axes (only the direction counts), set to
give the normal 12-lead of Surawicz & Knilans 2008 (fitted as the module docstring
says)."""


def _gains() -> np.ndarray:
    """(len(WAVES), 8): each wave's voltage in I, II, V1-V6 per mV of it in lead II."""
    dower = np.array(list(_DOWER.values()))
    directions = np.array([WAVE_DIRECTIONS[wave] for wave in WAVES])
    seen = directions @ dower.T
    return seen / seen[:, [list(_DOWER).index("II")]]


_GAINS = _gains()


def monitor_channel(lead: str) -> str:
    """The waveform channel of a lead (`data/waveforms.csv`): "aVR" is "ecg_avr"."""
    return f"ecg_{lead.lower()}"


def leads_mV(waves_mV: np.ndarray) -> dict[str, np.ndarray]:
    """The 12 leads (LEADS) in mV of samples whose lead II is given by wave
    (`waves_mV`: last axis in `ecg.WAVES` order, as `ecg.waves_mV` makes it)."""
    measured = dict(zip(_DOWER, np.moveaxis(waves_mV @ _GAINS, -1, 0), strict=True))
    lead_i, lead_ii = measured["I"], measured["II"]
    derived = {
        "III": lead_ii - lead_i,
        "aVR": -(lead_i + lead_ii) / 2.0,
        "aVL": lead_i - lead_ii / 2.0,
        "aVF": lead_ii - lead_i / 2.0,
    }
    return {name: measured[name] if name in measured else derived[name] for name in LEADS}
