"""The identifiers medtwin's statements use: verbs, activity types, extensions.

Verbs come from the ADL vocabulary (http://adlnet.gov/expapi/verbs/...) and, where it
fits, the MedBiquitous Virtual Patient profile (Topps D, Meiselman E, Smothers V.
Experience API Virtual Patient Profile, MedBiquitous Learning Experience Working Group,
version 1.0, 2016; profile id https://w3id.org/xapi/virtual-patient): a case opened is
`initialized`, a phase entered is medbiq `arrived`, a trainee's order is `interacted`,
a coach prompt read is `experienced`, an expected action not done by the end of its
window is medbiq `ignored`, an event the engine or instructor causes is `launched`, a
case that reaches an end phase is `completed` (`terminated` when its time runs out),
and the verdicts are `passed`, `failed` and `scored`. The virtual patient (the case) is
an activity of type `simulation`, as the profile says, and every statement names the
profile in its `category` context activities.

medtwin's own identifiers (its activities and extensions) live under `MEDTWIN_IRI`, an
IRI in the `.invalid` top-level domain (RFC 2606), which names without ever resolving (a
site can give its case activities its own base: `statements.Session.activity_base`).
"""

from __future__ import annotations

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
MEDBIQ_VERBS = "http://w3id.org/xapi/medbiq/verbs/"
VERBS: dict[str, str] = {
    "initialized": ADL_VERBS + "initialized",
    "arrived": MEDBIQ_VERBS + "arrived",
    "interacted": ADL_VERBS + "interacted",
    "experienced": ADL_VERBS + "experienced",
    "ignored": MEDBIQ_VERBS + "ignored",
    "launched": ADL_VERBS + "launched",
    "completed": ADL_VERBS + "completed",
    "terminated": ADL_VERBS + "terminated",
    "passed": ADL_VERBS + "passed",
    "failed": ADL_VERBS + "failed",
    "scored": ADL_VERBS + "scored",
}
"""Verb IRIs by the English word shown with them (`display`)."""

ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"
SIMULATION = ADL_ACTIVITIES + "simulation"
"""The virtual patient: the MedBiquitous profile's activity type for a case."""
OBJECTIVE = ADL_ACTIVITIES + "objective"
INTERACTION = ADL_ACTIVITIES + "interaction"
NODE = "http://activitystrea.ms/schema/1.0/node"
"""A phase of a case: the profile's type for a node of a virtual patient."""
VIRTUAL_PATIENT_PROFILE = "https://w3id.org/xapi/virtual-patient"

XAPI_VERSION = "1.0.3"
MEDTWIN_IRI = "https://medtwin.invalid/xapi/"
DEFAULT_ACTIVITY_BASE = MEDTWIN_IRI + "cases/"
DEFAULT_HOME_PAGE = "https://medtwin.invalid"
"""The `homePage` of learner accounts given by name only (`--learner NAME`)."""


def extension(name: str) -> str:
    """The IRI of one of medtwin's extensions, e.g. 'simulation-time-s'."""
    return f"{MEDTWIN_IRI}extensions/{name}"


SIMULATION_TIME = extension("simulation-time-s")
"""Case time of the statement in seconds (the twin's clock, not the wall clock)."""
VITALS = extension("vitals")
"""Key vitals at that time: the run log's last observation, by signal name in the
units of data/signals.csv, with `rhythm` and `news2`."""
SKILL = extension("skill")
"""The skill an objective trains (the learner model's unit)."""
