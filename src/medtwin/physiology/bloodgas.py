"""Blood O2 and CO2 contents, their inverses, and arterial acid-base.

Contents follow Spencer JL, Firouztale E, Mellins RB. Computational expressions for
blood oxygen and carbon dioxide concentrations. Ann Biomed Eng 1979;7:59-66, as used
by Ursino & Magosso 2000 and Albanese 2016: interacting O2 and CO2 dissociation
curves (the Bohr and Haldane effects) in closed form. Haemoglobin-bound O2 uses
Hüfner's 1.34 mL O2/g Hb and dissolved O2 0.003 mL/dL/mmHg (docs/reference/MODELS.md).
Acid-base: Henderson-Hasselbalch with the Van Slyke equation for the buffering of
whole blood (Siggaard-Andersen O. The Van Slyke equation. Scand J Clin Lab Invest
1977;37 Suppl 146:15-20).

All contents are in mL gas (STPD) per mL blood; pressures in mmHg.
"""

from __future__ import annotations

import numpy as np

from medtwin.compiled.jit import jit, jit_entry

# Spencer 1979 constants (as tabulated in Ursino & Magosso 2000, Appendix)
_A1 = 0.3836
_A2 = 1.819
_ALPHA1 = 0.03198  # 1/mmHg
_ALPHA2 = 0.05591
_BETA1 = 0.008275
_BETA2 = 0.03255
_K1 = 14.99  # mmHg
_K2 = 194.4  # mmHg
_C2_MMOL = 86.11  # mmol/L, CO2 capacity
_MMOL_TO_ML = 22.414e-3  # mL STPD per mmol gas... per mL blood when mmol/L
_HUFNER = 1.34  # mL O2 / g Hb
_O2_SOLUBILITY = 0.003e-2  # mL O2 / mL blood / mmHg
_CO2_SOLUBILITY_HH = 0.0307  # mmol/L/mmHg, Henderson-Hasselbalch
_PK = 6.1


@jit
def o2_saturation(po2: float, pco2: float) -> float:
    """Haemoglobin O2 saturation (0-1), Spencer 1979."""
    p = max(po2, 1e-6)
    x = p * (1.0 + _BETA1 * pco2) / (_K1 * (1.0 + _ALPHA1 * pco2))
    xn = x ** (1.0 / _A1)
    return xn / (1.0 + xn)


@jit_entry
def o2_content(po2: float, pco2: float, hb: float) -> float:
    """Total O2 content (mL/mL): bound to haemoglobin (g/dL) plus dissolved."""
    return _HUFNER * hb * 0.01 * o2_saturation(po2, pco2) + _O2_SOLUBILITY * max(po2, 0.0)


@jit_entry
def co2_content(po2: float, pco2: float) -> float:
    """Total CO2 content (mL/mL), Spencer 1979 (includes the Haldane effect)."""
    p = max(pco2, 1e-6)
    x = p * (1.0 + _BETA2 * po2) / (_K2 * (1.0 + _ALPHA2 * po2))
    xn = x ** (1.0 / _A2)
    return _C2_MMOL * _MMOL_TO_ML * xn / (1.0 + xn)


@jit
def partial_pressures(c_o2: float, c_co2: float, hb: float, po2: float, pco2: float):
    """Invert the contents to (PO2, PCO2), starting from a guess.

    Alternates safeguarded Newton steps on each curve; both are monotonic in their own
    pressure, and a handful of iterations from the previous value converges to well
    below 0.01 mmHg.
    """
    po2 = min(max(po2, 1.0), 700.0)
    pco2 = min(max(pco2, 1.0), 200.0)
    for _ in range(6):
        # CO2 at fixed PO2
        f = co2_content(po2, pco2) - c_co2
        h = 1e-3 * pco2
        df = (co2_content(po2, pco2 + h) - co2_content(po2, pco2)) / h
        pco2 = min(max(pco2 - f / df, 0.5 * pco2), 2.0 * pco2)
        # O2 at fixed PCO2
        f = o2_content(po2, pco2, hb) - c_o2
        h = 1e-3 * po2
        df = (o2_content(po2 + h, pco2, hb) - o2_content(po2, pco2, hb)) / h
        po2 = min(max(po2 - f / df, 0.5 * po2), 2.0 * po2)
    return po2, pco2


@jit
def acid_base(pco2: float, base_excess: float, hb: float):
    """Arterial (pH, HCO3- mmol/L) from PCO2 and base excess (Van Slyke equation).

    Solves BE = (1 - 0.023 Hb)(HCO3 - 24.4 + (2.3 Hb + 7.7)(pH - 7.4)) together with
    Henderson-Hasselbalch HCO3 = 0.0307 PCO2 10^(pH - 6.1) by Newton's method on pH.
    """
    beta = 2.3 * hb + 7.7
    target = base_excess / (1.0 - 0.023 * hb)
    ph = 7.4
    for _ in range(8):
        hco3 = _CO2_SOLUBILITY_HH * pco2 * 10.0 ** (ph - _PK)
        f = hco3 - 24.4 + beta * (ph - 7.4) - target
        df = hco3 * np.log(10.0) + beta
        ph -= f / df
    return ph, _CO2_SOLUBILITY_HH * pco2 * 10.0 ** (ph - _PK)
