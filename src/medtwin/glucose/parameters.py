"""The virtual patients' parameters: names, units, meanings and sources, and the loader.

Every column of the parameter array `params (n_patients, len(P))` is listed once in
`PARAMETERS` with its unit, meaning and the paper it comes from. The 30 patient sets are
data (data/vpatient_params.csv, from simglucose, MIT; see data/README.md).

Sources, by the short keys the table uses (each is a work of the bibliography,
`medtwin/data/bibliography.yaml`; tests/test_citations.py checks every row cites one):
- DM2007: Dalla Man C, Rizza RA, Cobelli C. Meal simulation model of the glucose–insulin
  system. IEEE Trans Biomed Eng 2007;54:1740–1749.
- GIM: Dalla Man C, Raimondo DM, Rizza RA, Cobelli C. GIM, simulation software of meal
  glucose–insulin model. J Diabetes Sci Technol 2007;1:323–330 (subcutaneous insulin and
  glucose, the type 1 form).
- DM2006: Dalla Man C, Camilleri M, Cobelli C. A system model of oral glucose absorption:
  validation on gold standard data. IEEE Trans Biomed Eng 2006;53:2472–2478.
- KOVATCHEV2009: Kovatchev BP, Breton M, Dalla Man C, Cobelli C. In silico preclinical
  trials: a proof of concept in closed-loop control of type 1 diabetes. J Diabetes Sci
  Technol 2009;3:44–55 (the UVA/Padova type 1 simulator these patients come from).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from medtwin.glucose.layout import ODE_STATES, G

PARAMETERS: tuple[tuple[str, str, str, str], ...] = (
    # (name, unit, meaning, source)
    ("BW", "kg", "body weight", "DM2007"),
    ("EGPb", "mg/kg/min", "basal endogenous glucose production", "DM2007 eq. 4"),
    ("Gb", "mg/dL", "basal plasma glucose", "DM2007"),
    ("Ib", "pmol/L", "basal plasma insulin", "DM2007"),
    ("kabs", "1/min", "rate constant of intestinal absorption", "DM2006 eq. 1"),
    ("kmax", "1/min", "maximum rate constant of gastric emptying", "DM2006 eq. 2"),
    ("kmin", "1/min", "minimum rate constant of gastric emptying", "DM2006 eq. 2"),
    ("b", "1", "fraction of the meal at which gastric emptying has fallen to (kmax+kmin)/2",
     "DM2006 eq. 2"),
    ("d", "1", "fraction of the meal at which gastric emptying is back to (kmax+kmin)/2",
     "DM2006 eq. 2"),
    ("Vg", "dL/kg", "distribution volume of glucose", "DM2007 eq. 1"),
    ("Vi", "L/kg", "distribution volume of insulin", "DM2007 eq. 3"),
    ("Vmx", "mg/kg/min per pmol/L", "insulin sensitivity of utilisation (Vm = Vm0 + Vmx X)",
     "DM2007 eq. 7"),
    ("Km0", "mg/kg", "Michaelis–Menten constant of insulin-dependent utilisation",
     "DM2007 eq. 7"),
    ("k1", "1/min", "rate constant, plasma to slowly equilibrating tissues", "DM2007 eq. 1"),
    ("k2", "1/min", "rate constant, slowly equilibrating tissues to plasma", "DM2007 eq. 1"),
    ("p2u", "1/min", "rate constant of insulin action on utilisation", "DM2007 eq. 8"),
    ("m1", "1/min", "rate constant, liver to plasma insulin", "DM2007 eq. 3"),
    ("m2", "1/min", "rate constant, plasma to liver insulin", "DM2007 eq. 3"),
    ("m4", "1/min", "rate constant of peripheral insulin degradation", "DM2007 eq. 3"),
    ("m30", "1/min", "rate constant of hepatic insulin clearance, m3 at basal", "DM2007 eq. 3"),
    ("ki", "1/min", "rate constant of the delay of insulin action on production",
     "DM2007 eq. 5"),
    ("kp1", "mg/kg/min", "production extrapolated to zero glucose and insulin", "DM2007 eq. 4"),
    ("kp2", "1/min", "liver glucose effectiveness", "DM2007 eq. 4"),
    ("kp3", "mg/kg/min per pmol/L", "insulin action on the liver", "DM2007 eq. 4"),
    ("f", "1", "fraction of intestinal absorption that appears in plasma", "DM2006 eq. 3"),
    ("ke1", "1/min", "renal glomerular filtration rate", "DM2007 eq. 9"),
    ("ke2", "mg/kg", "renal threshold of glucose", "DM2007 eq. 9"),
    ("Fsnc", "mg/kg/min", "insulin-independent utilisation (brain, erythrocytes)",
     "DM2007 eq. 6"),
    ("Vm0", "mg/kg/min", "insulin-dependent utilisation capacity at basal", "DM2007 eq. 7"),
    ("kd", "1/min", "rate constant of subcutaneous insulin dissociation", "GIM eq. 1"),
    ("ka1", "1/min", "absorption rate constant of non-monomeric insulin", "GIM eq. 1"),
    ("ka2", "1/min", "absorption rate constant of monomeric insulin", "GIM eq. 1"),
    ("ksc", "1/min", "rate constant of plasma to subcutaneous glucose", "GIM eq. 3"),
    ("u2ss", "pmol/kg/min", "steady-state (basal) subcutaneous insulin infusion",
     "GIM eq. 1 at steady state"),
)  # fmt: skip
P = enum.IntEnum("P", {name: index for index, (name, *_) in enumerate(PARAMETERS)})
"""Parameter columns, in the order of `PARAMETERS`."""
MODEL_SOURCES = ("dallaman2007meal", "dallaman2007gim", "dallaman2006oral")
"""Bibliography keys (`medtwin.citations`) of the model: DM2007, GIM and DM2006."""
PATIENT_SOURCES = ("kovatchev2009insilico", "xie2018simglucose")
"""Where the 30 patient sets come from: simglucose 0.2.11's params/vpatient_params.csv
and Quest.csv (J. Xie, MIT licence), the open sets of the UVA/Padova simulator
(KOVATCHEV2009)."""
SOURCES = (*MODEL_SOURCES, *PATIENT_SOURCES, "knopp2019")
PMOL_PER_U = 6000.0
"""Insulin: 1 U = 6 nmol, the conventional conversion the UVA/Padova sets are built on
(Knopp JL, Holder-Pearson L, Chase JG. J Diabetes Sci Technol 2019;13:597–600, who show it
is the most used of two factors and argue the SI-correct one differs by about 15 %)."""
GROUPS = ("adolescent", "adult", "child")


class GlucosePatientError(ValueError):
    """An unknown virtual patient or an impossible parameter set."""


@dataclass(frozen=True)
class VirtualPatients:
    """A batch of virtual patients: names, parameters, basal states and therapy settings.

    `carb_ratio_g_per_U` and `correction_factor_mg_per_dL_per_U` are the patients'
    basal–bolus settings (Quest.csv); `total_daily_insulin_U` their usual daily insulin.
    """

    names: tuple[str, ...]
    params: np.ndarray
    basal_state: np.ndarray
    carb_ratio_g_per_U: np.ndarray
    correction_factor_mg_per_dL_per_U: np.ndarray
    total_daily_insulin_U: np.ndarray

    def __len__(self) -> int:
        return len(self.names)

    @property
    def basal_insulin_U_per_min(self) -> np.ndarray:
        """The steady-state basal rate u2ss·BW/6000 U/min that holds each patient at Gb."""
        return self.params[:, P.u2ss] * self.params[:, P.BW] / PMOL_PER_U

    def take(self, index: np.ndarray | list[int]) -> VirtualPatients:
        """The patients at `index`, in that order (repeats allowed: ensembles)."""
        index = np.asarray(index, dtype=np.intp)
        return VirtualPatients(
            tuple(self.names[i] for i in index),
            self.params[index],
            self.basal_state[index],
            self.carb_ratio_g_per_U[index],
            self.correction_factor_mg_per_dL_per_U[index],
            self.total_daily_insulin_U[index],
        )


@cache
def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    folder = resources.files("medtwin.glucose") / "data"
    with (folder / "vpatient_params.csv").open() as stream:
        params = pd.read_csv(stream).set_index("Name")
    with (folder / "Quest.csv").open() as stream:
        quest = pd.read_csv(stream).set_index("Name")
    return params, quest


def patient_names() -> tuple[str, ...]:
    """The 30 virtual patients: adolescent#001…010, adult#001…010, child#001…010."""
    return tuple(_tables()[0].index)


def load_virtual_patients(names: str | list[str] | tuple[str, ...]) -> VirtualPatients:
    """The named patients ("adult#001", a list of names, a group "adult", or "all")."""
    known = patient_names()
    if isinstance(names, str):
        if names == "all":
            names = list(known)
        elif names in GROUPS:
            names = [name for name in known if name.startswith(names + "#")]
        else:
            names = [names]
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise GlucosePatientError(
            f"patient {(unknown or [''])[0]!r} is not known: allowed are 'all', a group "
            f"({', '.join(GROUPS)}) or a name such as adult#001 "
            f"(adolescent#001–010, adult#001–010, child#001–010)"
        )
    params_table, quest = _tables()
    rows = params_table.loc[list(names)]
    state_columns = [column for column in rows.columns if column.startswith("x0_")]
    basal = np.zeros((len(names), len(G)))
    basal[:, :ODE_STATES] = rows[state_columns].to_numpy(float)
    basal[:, G.MEAL_START_STOMACH_mg] = basal[:, G.Q_STO1] + basal[:, G.Q_STO2]
    therapy = quest.loc[list(names)]
    return VirtualPatients(
        names=tuple(names),
        params=np.ascontiguousarray(rows[[name for name, *_ in PARAMETERS]].to_numpy(float)),
        basal_state=basal,
        carb_ratio_g_per_U=therapy["CR"].to_numpy(float),
        correction_factor_mg_per_dL_per_U=therapy["CF"].to_numpy(float),
        total_daily_insulin_U=therapy["TDI"].to_numpy(float),
    )
