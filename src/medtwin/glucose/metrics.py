"""Glycaemic outcome measures of a run, per patient.

- Times in ranges (percent of minutes): in range 70–180 mg/dL, below 70 and below 54,
  above 180 and above 250 mg/dL, the consensus CGM targets of Battelino T, Danne T,
  Bergenstal RM, et al. Clinical targets for continuous glucose monitoring data
  interpretation: recommendations from the international consensus on time in range.
  Diabetes Care 2019;42:1593–1603.
- LBGI and HBGI: the low and high blood glucose indices of Kovatchev BP, Cox DJ,
  Gonder-Frederick LA, Clarke W. Symmetrization of the blood glucose measurement scale
  and its applications. Diabetes Care 1997;20:1655–1658, with
  f(BG) = 1.509·[(ln BG)^1.084 − 5.381] (BG in mg/dL), risk = 10·f², and LBGI (HBGI) the
  mean of the risk over readings with f < 0 (f > 0), counting 0 for the others. The
  scale is defined on the meter range 20–600 mg/dL (risk 100 at both ends), so glucose
  outside it is read as 20 or 600 mg/dL, as a meter reports it; otherwise a simulated
  glucose falling towards 0 (the model has no counter-regulation) would give one minute
  a risk of hundreds and swamp a day's index.
- GMI, the glucose management indicator (estimated HbA1c, %) = 3.31 + 0.02392 × mean
  glucose in mg/dL: Bergenstal RM, Beck RW, Close KL, et al. Diabetes Care
  2018;41:2275–2280.
- Insulin: total, basal and bolus U delivered.
"""

from __future__ import annotations

import numpy as np

SOURCES = ("battelino2019", "kovatchev1997", "bergenstal2018")
"""Bibliography keys of the measures' definitions."""
RISK_SCALE = 1.509
RISK_EXPONENT = 1.084
RISK_SHIFT = 5.381
RISK_DOMAIN_mg_per_dL = (20.0, 600.0)
GMI_INTERCEPT_PERCENT = 3.31
GMI_SLOPE_PERCENT_PER_mg_dL = 0.02392
METRIC_NAMES = (
    "mean_glucose_mg_per_dL", "time_in_range_70_180_percent", "time_below_70_percent",
    "time_below_54_percent", "time_above_180_percent", "time_above_250_percent", "lbgi",
    "hbgi", "gmi_percent", "total_insulin_U", "basal_insulin_U", "bolus_insulin_U",
)  # fmt: skip


def risk_function(glucose_mg_per_dL: np.ndarray) -> np.ndarray:
    """Kovatchev's symmetrised glucose f(BG): 0 at 112.5 mg/dL, ±√10 (risk 100) at 20 and
    600 mg/dL, the ends of the meter range."""
    return RISK_SCALE * (np.log(glucose_mg_per_dL) ** RISK_EXPONENT - RISK_SHIFT)


def glucose_metrics(glucose_mg_per_dL: np.ndarray) -> dict[str, np.ndarray]:
    """The glycaemic measures of each row (patient) of a per-minute glucose array."""
    glucose = np.atleast_2d(glucose_mg_per_dL)
    f = risk_function(np.clip(glucose, *RISK_DOMAIN_mg_per_dL))
    risk = 10.0 * f**2
    mean = glucose.mean(axis=1)

    def percent(mask: np.ndarray) -> np.ndarray:
        return 100.0 * mask.mean(axis=1)

    return {
        "mean_glucose_mg_per_dL": mean,
        "time_in_range_70_180_percent": percent((glucose >= 70) & (glucose <= 180)),
        "time_below_70_percent": percent(glucose < 70),
        "time_below_54_percent": percent(glucose < 54),
        "time_above_180_percent": percent(glucose > 180),
        "time_above_250_percent": percent(glucose > 250),
        "lbgi": np.where(f < 0, risk, 0.0).mean(axis=1),
        "hbgi": np.where(f > 0, risk, 0.0).mean(axis=1),
        "gmi_percent": GMI_INTERCEPT_PERCENT + GMI_SLOPE_PERCENT_PER_mg_dL * mean,
    }


def insulin_metrics(insulin_U_per_min: np.ndarray, bolus_U: np.ndarray) -> dict[str, np.ndarray]:
    """Total, basal and bolus insulin (U) of each row of per-minute delivery arrays
    (`bolus_U`: the bolus part of each minute's delivery)."""
    total = np.atleast_2d(insulin_U_per_min).sum(axis=1)
    bolus = np.atleast_2d(bolus_U).sum(axis=1)
    return {"total_insulin_U": total, "basal_insulin_U": total - bolus, "bolus_insulin_U": bolus}
