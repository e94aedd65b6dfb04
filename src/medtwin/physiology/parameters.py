"""The engine's parameters: names, units and the published values they start from.

Every parameter is a column of the `(n_patients, N_PARAM)` float64 array that the
kernel reads. `REFERENCE` holds the values for the reference adult that the sources
describe, each with its unit and source; `medtwin.physiology.scaling` turns a patient's
sex, age, height and weight into that patient's values. Resting values are the values
at the reference autonomic activity (carotid sinus pressure at its set point), so a
patient whose reflexes sit at their set point shows exactly these values.

Main sources:
- Ursino M. Interaction between carotid baroregulation and the pulsating heart: a
  mathematical model. Am J Physiol 1998;275:H1733-H1747 (Ursino 1998), Tables 1-2.
- Albanese A, Cheng L, Ursino M, Chbat NW. An integrated mathematical model of the
  human cardiopulmonary system: model development. Am J Physiol Heart Circ Physiol
  2016;310:H899-H921 (Albanese 2016).
"""

from __future__ import annotations

from dataclasses import dataclass

from medtwin.physiology.layout import (
    BEDS,
    DRUG_SLOTS,
    DRUG_STATES,
    HAEMORRHAGE_SITES,
    N_EFFECTS,
    Entry,
    make_layout,
    make_record,
)

_BED_UPPER = tuple(b.upper() for b in BEDS)


@dataclass(frozen=True)
class Parameter:
    """One reference value with its unit and where it comes from."""

    value: float
    unit: str
    source: str


URSINO = "Ursino 1998, Table 1"
URSINO_REFLEX = "Ursino 1998, Table 2"

REFERENCE: dict[str, Parameter] = {
    # --- heart chambers (Ursino 1998: passive atria, time-varying-elastance ventricles)
    "E_LA": Parameter(1 / 19.23, "mmHg/mL", URSINO + " (C_la = 19.23 mL/mmHg)"),
    "VU_LA": Parameter(25.0, "mL", URSINO),
    "E_RA": Parameter(1 / 31.25, "mmHg/mL", URSINO + " (C_ra = 31.25 mL/mmHg)"),
    "VU_RA": Parameter(25.0, "mL", URSINO),
    "E_LA_ACTIVE": Parameter(
        0.034,
        "mmHg/mL",
        "elastance atrial systole adds to the passive left atrium; set so that the atrial "
        "kick gives about 20 % of ventricular filling (guyton2006medical ch. 9: the atria "
        "raise ventricular pumping effectiveness by up to 20 %)",
    ),
    "E_RA_ACTIVE": Parameter(
        0.02, "mmHg/mL", "as E_LA_ACTIVE, for the right atrium (about 20 % of filling)"
    ),
    "PR_INTERVAL": Parameter(0.16, "s", "guyton2006medical ch. 11 (P-R interval 0.16 s)"),
    "ATRIAL_SYSTOLE": Parameter(
        0.1, "s", "guyton2006medical ch. 9 (atrial contraction, about 0.1 s)"
    ),
    "P0_LV": Parameter(1.5, "mmHg", URSINO),
    "KE_LV": Parameter(
        0.0145,
        "1/mL",
        URSINO + " gives 0.014 for passive atria; with atrial systole added, set so that "
        "wedge pressure is 4-12 mmHg and cardiac output 5.6 L/min",
    ),
    "VU_LV": Parameter(16.77, "mL", URSINO),
    "EMAX_LV": Parameter(
        2.46, "mmHg/mL", URSINO + " gives 2.95; lowered for an ejection fraction of 0.55"
    ),
    "KR_LV": Parameter(3.75e-4, "s/mL", URSINO),
    "P0_RV": Parameter(1.5, "mmHg", URSINO),
    "KE_RV": Parameter(
        0.0143,
        "1/mL",
        URSINO + " gives 0.011 for passive atria; with atrial systole added, set for a "
        "CVP of 2-6 mmHg",
    ),
    "VU_RV": Parameter(40.8, "mL", URSINO),
    "EMAX_RV": Parameter(1.75, "mmHg/mL", URSINO),
    "KR_RV": Parameter(1.4e-3, "s/mL", URSINO),
    "R_MITRAL": Parameter(2.5e-3, "mmHg*s/mL", URSINO + " (R_la)"),
    "R_TRICUSPID": Parameter(2.5e-3, "mmHg*s/mL", URSINO + " (R_ra)"),
    "T_SYS0": Parameter(0.5, "s", URSINO + " (T_sys = T_sys0 - k_sys/T)"),
    "K_SYS": Parameter(0.075, "s^2", URSINO),
    # --- systemic arteries
    "E_SA": Parameter(1 / 0.28, "mmHg/mL", URSINO + " (C_sa = 0.28 mL/mmHg)"),
    "VU_SA": Parameter(0.0, "mL", URSINO),
    "R_SA": Parameter(0.06, "mmHg*s/mL", URSINO),
    "L_SA": Parameter(0.22e-3, "mmHg*s^2/mL", URSINO),
    "E_SP": Parameter(1 / (2.05 + 1.67), "mmHg/mL", URSINO + " (C_sp + C_ep, one node)"),
    "VU_SP": Parameter(274.4 + 336.6, "mL", URSINO + " (V_u,sp + V_u,ep)"),
    # --- systemic veins (splanchnic and extrasplanchnic pools of Ursino 1998)
    "C_SPLANCHNIC_VEINS": Parameter(61.11, "mL/mmHg", URSINO),
    "VU_SPLANCHNIC_VEINS": Parameter(1121.0, "mL", URSINO),
    "R_SPLANCHNIC_VEINS": Parameter(0.038, "mmHg*s/mL", URSINO),
    "C_EXTRASPLANCHNIC_VEINS": Parameter(50.0, "mL/mmHg", URSINO),
    "VU_EXTRASPLANCHNIC_VEINS": Parameter(1375.0, "mL", URSINO),
    "R_EXTRASPLANCHNIC_VEINS": Parameter(0.016, "mmHg*s/mL", URSINO),
    "THORACIC_VEIN_SHARE": Parameter(
        0.1,
        "1",
        "model assumption: share of the extrasplanchnic venous pool (Ursino 1998) that "
        "lies in the thorax as venae cavae and feels pleural pressure",
    ),
    "R_VC": Parameter(0.005, "mmHg*s/mL", "model assumption: venae cavae to right atrium"),
    # --- pulmonary circulation
    "E_PA": Parameter(1 / 0.76, "mmHg/mL", URSINO + " (C_pa = 0.76 mL/mmHg)"),
    "VU_PA": Parameter(0.0, "mL", URSINO),
    "R_PA": Parameter(0.023, "mmHg*s/mL", URSINO),
    "L_PA": Parameter(0.18e-3, "mmHg*s^2/mL", URSINO),
    "E_PC": Parameter(1 / 5.8, "mmHg/mL", URSINO + " (C_pp = 5.8 mL/mmHg)"),
    "VU_PC": Parameter(123.0, "mL", URSINO),
    "R_PC": Parameter(
        0.107,
        "mmHg*s/mL",
        URSINO + " gives R_pp 0.0894; raised for a PVR of 0.14 mmHg*s/mL (Guyton p167)",
    ),
    "E_PV": Parameter(1 / 25.37, "mmHg/mL", URSINO + " (C_pv = 25.37 mL/mmHg)"),
    "VU_PV": Parameter(120.0, "mL", URSINO),
    "R_PV": Parameter(0.0056, "mmHg*s/mL", URSINO),
    # --- carotid baroreflex (Ursino 1998, Table 2)
    "P_N": Parameter(
        84.0,
        "mmHg",
        URSINO_REFLEX + " gives 92; the lead-lag afferent rectifies the pulse, so the "
        "closed loop settles above P_n: 84 gives a resting MAP of 93 (Leeuwen p93: 70-105)",
    ),
    "K_A": Parameter(11.758, "mmHg", URSINO_REFLEX),
    "TAU_P": Parameter(2.076, "s", URSINO_REFLEX),
    "TAU_Z": Parameter(6.37, "s", URSINO_REFLEX),
    "F_AB_MIN": Parameter(2.52, "spikes/s", URSINO_REFLEX),
    "F_AB_MAX": Parameter(47.78, "spikes/s", URSINO_REFLEX),
    "FES_INF": Parameter(2.10, "spikes/s", URSINO_REFLEX),
    "FES_0": Parameter(16.11, "spikes/s", URSINO_REFLEX),
    "FES_MIN": Parameter(2.66, "spikes/s", URSINO_REFLEX),
    "K_ES": Parameter(0.0675, "s", URSINO_REFLEX),
    "FEV_0": Parameter(3.2, "spikes/s", URSINO_REFLEX),
    "FEV_INF": Parameter(6.3, "spikes/s", URSINO_REFLEX),
    "F_AB_0": Parameter(25.0, "spikes/s", URSINO_REFLEX),
    "K_EV": Parameter(7.06, "spikes/s", URSINO_REFLEX),
    "G_CARDIOPULMONARY": Parameter(
        0.3,
        "1/mmHg",
        "cardiopulmonary reflex (Heldt 2002): fractional rise of sympathetic outflow per "
        "mmHg fall of the right atrium's filling (transmural) pressure; set to reproduce "
        "the heart rates of the ATLS 10th ed. haemorrhage classes",
    ),
    "TAU_CARDIOPULMONARY": Parameter(5.0, "s", "Heldt 2002 (cardiopulmonary reflex, seconds)"),
    "G_EMAX": Parameter(0.475 / 2.95, "1/(ln spikes/s)", URSINO_REFLEX + " (G_Emax,lv / E_max,lv)"),
    "TAU_EMAX": Parameter(8.0, "s", URSINO_REFLEX),
    "D_EMAX": Parameter(2.0, "s", URSINO_REFLEX),
    "G_R_SPLANCHNIC_POOL": Parameter(
        0.695 / 3.25, "1/(ln spikes/s)", URSINO_REFLEX + " (G_Rsp over resting R_sp)"
    ),
    "G_R_EXTRASPLANCHNIC_POOL": Parameter(
        1.94 / 2.91, "1/(ln spikes/s)", URSINO_REFLEX + " (G_Rep over resting R_ep)"
    ),
    "TAU_R": Parameter(6.0, "s", URSINO_REFLEX),
    "D_R": Parameter(2.0, "s", URSINO_REFLEX),
    "G_VU_SPLANCHNIC_POOL": Parameter(-265.4, "mL/(ln spikes/s)", URSINO_REFLEX),
    "G_VU_EXTRASPLANCHNIC_POOL": Parameter(-132.5, "mL/(ln spikes/s)", URSINO_REFLEX),
    "TAU_VU": Parameter(20.0, "s", URSINO_REFLEX),
    "D_VU": Parameter(5.0, "s", URSINO_REFLEX),
    "G_TS": Parameter(-0.13, "s/(ln spikes/s)", URSINO_REFLEX),
    "TACHYCARDIA_SCALE": Parameter(
        2.3,
        "1",
        "scale on Ursino's sympathetic heart-period gain for departures from rest: "
        "with his gain the baroreflex cannot raise heart rate above about 110/min; set "
        "to reproduce the heart rates of the ATLS 10th ed. haemorrhage classes",
    ),
    "TAU_TS": Parameter(2.0, "s", URSINO_REFLEX),
    "D_TS": Parameter(2.0, "s", URSINO_REFLEX),
    "G_TV": Parameter(0.09, "s/(spikes/s)", URSINO_REFLEX),
    "TAU_TV": Parameter(1.5, "s", URSINO_REFLEX),
    "D_TV": Parameter(0.2, "s", URSINO_REFLEX),
    # --- respiratory mechanics
    "R_AW": Parameter(
        1.5e-3, "cmH2O*s/mL", "kacmarek2016egan p233 (normal 0.5-2.5 cmH2O*s/L; mid-range)"
    ),
    "C_LUNG": Parameter(200.0, "mL/cmH2O", "Levitzky 2013 p25 (lung compliance 0.2 L/cmH2O)"),
    "C_CHEST_WALL": Parameter(200.0, "mL/cmH2O", "Levitzky 2013 p25 (0.2 L/cmH2O)"),
    "PPL_FRC": Parameter(-5.0, "cmH2O", "Levitzky 2013 p13 (intrapleural -5 cmH2O at FRC)"),
    "TLC_FRACTION": Parameter(
        2.5, "1", "Levitzky 2013 p16 (total lung capacity 6.0 L against an FRC of 2.4 L)"
    ),
    "CHEST_WALL_KNEE_FRACTION": Parameter(
        0.8,
        "1",
        "Agostoni E, Hyatt RE. Static behavior of the respiratory system. In: Handbook of "
        "Physiology, The Respiratory System III. Bethesda: APS, 1986 (the chest wall's "
        "relaxation curve bends and stiffens in the upper fifth of the vital capacity): "
        "the share of total lung capacity above which the chest wall stiffens (model "
        "assumption)",
    ),
    "RESIDUAL_VOLUME_FRACTION": Parameter(
        0.5, "1", "Levitzky 2013 p16 (residual volume 1.2 L against an FRC of 2.4 L)"
    ),
    "COMPRESSED_LUNG_COMPLIANCE_SHARE": Parameter(
        0.1,
        "1",
        "Duggan M, Kavanagh BP. Anesthesiology 2005;102:838 (lungs squeezed from outside "
        "collapse into compression atelectasis, and their compliance falls): the share "
        "of the lungs' compliance left below FRC (model assumption)",
    ),
    "AIRWAY_CLOSURE_FRACTION": Parameter(
        0.25,
        "1",
        "Levitzky 2013 p16 (small airways close as the lung nears its residual volume, "
        "trapping the gas behind them): the volume above residual, as a share of FRC, "
        "over which they close (model assumption)",
    ),
    "TI_FRACTION": Parameter(
        0.3, "1", "Levitzky 2013 p19 (I:E 1:2 to 1:3; Ti/Ttot 0.3 gives I:E 0.43)"
    ),
    "PMUS_EXP_TAU_FRACTION": Parameter(
        0.2, "1", "Albanese 2016 (expiratory muscle-pressure decay, tau = Te/5)"
    ),
    "TIDAL_VOLUME_PER_KG_IBW": Parameter(
        6.7, "mL/kg", "Levitzky 2013 App IV (about 7 mL/kg ideal body weight at rest)"
    ),
    "RR_REFERENCE": Parameter(
        12.5, "breaths/min", "silverthorn2013human p591 Tab 17.3 (normal 12-20/min)"
    ),
    "DEAD_SPACE_PER_KG_IBW": Parameter(2.0, "mL/kg", "Levitzky 2013 p71 (1 mL/lb IBW)"),
    "SHUNT": Parameter(0.03, "1", "Levitzky 2013 p127 (normal shunt 2-5 % of output)"),
    "FIO2": Parameter(0.21, "1", "room air"),
    "VENTILATOR_PRESSURE_LIMIT": Parameter(
        50.0,
        "cmH2O",
        "kacmarek2016egan (the high-pressure limit that ends a volume-controlled breath "
        "is set about 10 cmH2O above the peak; 50 cmH2O is a common adult ceiling), the "
        "most a ventilator or bag pushes into a resistant or obstructed airway",
    ),
    "TRACHEAL_TUBE_RESISTANCE": Parameter(
        4.0e-3,
        "cmH2O*s/mL",
        "Guttmann J et al. Anesthesiology 1993;79:503 (an 8 mm tracheal tube adds about "
        "4 cmH2O/L/s at usual flows)",
    ),
    "SIMV_TRIGGER_WINDOW": Parameter(
        5.0,
        "s",
        "Mindray SynoVent E5 manual (the SIMV trigger window: the last 5 s of each SIMV "
        "cycle; capped at half the cycle so that a fast rate keeps a spontaneous period, "
        "model assumption); Chatburn 2014 (IMV: mandatory breaths may be patient "
        "triggered, spontaneous breaths between them)",
    ),
    "LOW_PRESSURE_ALARM_MARGIN": Parameter(
        4.0,
        "cmH2O",
        "Mindray SynoVent E5 manual (Paw low alarm limit PEEP + 4 cmH2O: a mandatory "
        "breath that does not reach it signals a leak or a disconnection); ISO 80601-2-12 "
        "(a critical care ventilator detects breathing system disconnection)",
    ),
    "EXHALED_MV_AVERAGING": Parameter(
        30.0,
        "s",
        "ISO 80601-2-12 (a ventilator monitors the expired volume and alarms when it is "
        "low); the time over which it averages the exhaled minute volume (model "
        "assumption: about half a minute, a few breaths at any rate)",
    ),
    "CHEST_DRAIN_TAU": Parameter(
        60.0,
        "s",
        "kacmarek2016egan (a chest drain re-expands the lung within minutes): the time "
        "constant of the pleural air's drainage",
    ),
    "ONE_LUNG_SHUNT": Parameter(
        0.22,
        "1",
        "Benumof JL. Anesth Analg 1985;64:821 (one-lung ventilation: hypoxic pulmonary "
        "vasoconstriction halves the unventilated lung's flow, leaving a shunt of about "
        "20-25 %): the shunt added while a tube ventilates one lung",
    ),
    "LOW_VQ_SHARE": Parameter(
        0.5,
        "1",
        "Rodriguez-Roisin R et al. Am Rev Respir Dis 1989;139:732 (the hypoxaemia of "
        "severe asthma comes from low V/Q units, with little shunt): the share of the "
        "pulmonary flow through poorly ventilated units per unit of the small airways' "
        "narrowing, chosen so that acute severe asthma (narrowing 0.5-0.67) has a PaO2 "
        "of 70-75 mmHg on air, hypoxaemic as McFadden ER, Lyons HA. N Engl J Med "
        "1968;278:1027 found 91 of 101 attacks (model assumption for the size)",
    ),
    "LOW_VQ_EQUILIBRATION": Parameter(
        0.2,
        "1",
        "West JB. Ventilation/blood flow and gas exchange, 5th ed. 1990 (the O2-CO2 "
        "diagram: a unit of V/Q about 0.1 breathing air has an alveolar PO2 near 50 "
        "mmHg, a fifth of the way from mixed venous to normal alveolar gas): how far the "
        "gas of poorly ventilated units lies from mixed venous towards the alveolar",
    ),
    "LUNG_RECEPTOR_RATE_GAIN": Parameter(
        3.0,
        "1",
        "Paintal AS. Physiol Rev 1973;53:159 (pulmonary J and irritant receptors, "
        "stimulated by oedema, injury, bronchoconstriction and lung collapse, make "
        "breathing rapid and "
        "shallow through the vagi): the fractional rise of the breathing rate per unit "
        "of the small airways' narrowing or of the share of lung injured, calibrated so "
        "that acute severe asthma (narrowing 0.5-0.67) breathes at 25/min or more, the "
        "British Thoracic Society/SIGN criterion (model assumption)",
    ),
    "FICO2": Parameter(0.0, "1", "room air (0.04 % CO2 neglected)"),
    "PB": Parameter(760.0, "mmHg", "sea level"),
    # --- ventilatory control
    "PACO2_SET": Parameter(40.0, "mmHg", "guyton2006medical p504 (normal PaCO2)"),
    "PAO2_SET": Parameter(95.0, "mmHg", "guyton2006medical p503 (normal PaO2)"),
    "WAKEFUL_DRIVE_FLOOR": Parameter(
        0.5,
        "1",
        "Fink BR. J Appl Physiol 1961;16:15 (awake subjects breathed on after "
        "hyperventilation to hypocapnia; asleep or anaesthetised they stopped); Datta AK "
        "et al. J Physiol 1991;440:17 (awake, breathing went on under hypocapnic "
        "mechanical ventilation): the share of the waking drive to breathe that "
        "hypocapnia leaves (estimate: half)",
    ),
    "S_CO2_CENTRAL": Parameter(
        1.4,
        "L/min/mmHg",
        "Read DJC 1967, Australas Ann Med 16:20 (CO2 response ~2 L/min/mmHg); central "
        "share about two thirds, Duffin J 2005, J Appl Physiol 99:2255",
    ),
    "S_CO2_PERIPHERAL": Parameter(
        0.6, "L/min/mmHg", "Duffin 2005 (peripheral share about one third of the response)"
    ),
    "A_HYPOXIA": Parameter(
        150.0,
        "L/min*mmHg",
        "Weil JV et al. 1970, J Clin Invest 49:1061 (dVE = A/(PaO2 - 32))",
    ),
    "TAU_CHEMO_CENTRAL": Parameter(
        60.0, "s", "Albanese 2016 (slow central chemoreflex; time constant about 1 min)"
    ),
    "TAU_CHEMO_PERIPHERAL": Parameter(
        2.0, "s", "Albanese 2016 (fast peripheral chemoreflex; seconds)"
    ),
    "VT_DRIVE_EXPONENT": Parameter(
        0.7,
        "1",
        "Hey EN et al. 1966, Respir Physiol 1:193 (tidal volume carries most of a rise "
        "in ventilation until about half the vital capacity)",
    ),
    "VENTILATORY_DRIVE": Parameter(1.0, "1", "scale on central drive (1 = normal)"),
    "RESPIRATORY_MUSCLE_STRENGTH": Parameter(1.0, "1", "1 = normal neuromuscular function"),
    # --- the inspiratory muscles (`breathing_muscles`)
    "RV_FRACTION": Parameter(
        0.5, "1", "Levitzky 2013 p16 (residual volume 1.2 L against an FRC of 2.4 L)"
    ),
    "LOAD_COMPENSATION": Parameter(
        1.0,
        "1",
        "Campbell EJM, Dickinson CJ, Dinnick OP, Howell JBL. Clin Sci 1961;21:309 (awake "
        "men keep their ventilation against added loads by breathing harder at once); "
        "Nunn JF, Ezi-Ashi TI. Anesthesiology 1961;22:174 (anaesthetised patients do "
        "not): the exponent of the effort's rise on the loss of tidal volume per unit "
        "effort while awake (1 = full compensation up to the muscles' strength)",
    ),
    "TENSION_TIME_CRITICAL": Parameter(
        0.15,
        "1",
        "Bellemare F, Grassino A. J Appl Physiol 1982;53:1190 (breathing patterns with a "
        "diaphragm tension-time index below about 0.15 were sustained for 45 min)",
    ),
    "FATIGUE_ENDURANCE_AT_CRITICAL": Parameter(
        2700.0, "s", "Bellemare & Grassino 1982 (45 min sustained at the critical index)"
    ),
    "FATIGUE_ENDURANCE_EXPONENT": Parameter(
        2.0,
        "1",
        "Bellemare & Grassino 1982 (endurance time a quadratic hyperbola of the index); "
        "St Croix CM et al. J Physiol 2000;529:493 (task failure after 7 +- 3 min at "
        "60 % of maximal mouth pressure with Ti/Ttot 0.7: an index of 0.42, for which "
        "the endurance formula gives 5.7 min)",
    ),
    "FATIGUE_STRENGTH_LOSS": Parameter(
        0.25,
        "1",
        "Travaline JM et al. Am J Respir Crit Care Med 1997;156:1562 (maximal "
        "transdiaphragmatic pressure 75 % of baseline after resistive loading to task "
        "failure)",
    ),
    "FATIGUE_RECOVERY_TAU": Parameter(
        15600.0,
        "s",
        "Travaline 1997 (maximal pressure back from 75 to 87 % of baseline in 3 h: half "
        "the loss, a time constant of 3 h / ln 2)",
    ),
    "METABOREFLEX_GAIN": Parameter(
        0.77,
        "1",
        "St Croix 2000 (at task failure of fatiguing inspiratory work, muscle sympathetic "
        "nerve activity 77 % above control, with mean arterial pressure +12 mmHg and "
        "heart rate +27 /min): the fractional rise of sympathetic firing at task failure",
    ),
    "CHEMO_SYMPATHETIC_GAIN": Parameter(
        0.02,
        "1/(L/min)",
        "Ursino & Magosso 2000 (chemoreceptor drive raises sympathetic outflow); "
        "model gain per L/min of chemoreflex ventilatory demand",
    ),
    # --- blood and tissues
    "RQ": Parameter(0.85, "1", "gropper2013nutrition p291 (respiratory exchange ratio)"),
    "BASE_EXCESS": Parameter(0.0, "mmol/L", "fischbach2009manual (normal -2 to 2)"),
    "TISSUE_CO2_CAPACITY": Parameter(
        0.2,
        "mL blood-equivalent per g tissue",
        "Eger EI, Severinghaus JW 1961, Anesthesiology 22:419 (PaCO2 rises about 3 "
        "mmHg/min in apnoea, which fixes the effective CO2 store)",
    ),
    "TISSUE_O2_CAPACITY": Parameter(
        0.02, "mL blood-equivalent per g tissue", "capillary blood and myoglobin O2 store"
    ),
    # --- variability
    "HEART_PERIOD_CV": Parameter(
        0.03,
        "1",
        "Task Force ESC/NASPE 1996, Circulation 93:1043 (short-term RR-interval variation "
        "of a few per cent at rest); random part only, the reflexes add the rest",
    ),
    "BREATH_PERIOD_CV": Parameter(
        0.1,
        "1",
        "Tobin MJ et al. 1983, Chest 84:202 (breath timing varies by tens of per cent "
        "in healthy adults)",
    ),
    # --- body fluids (Guyton & Hall 2006, ch. 16 and 25)
    "FILTRATION_COEFFICIENT": Parameter(
        6.67 / 60.0,
        "mL/s/mmHg",
        "guyton2006medical ch. 16 (whole-body capillary filtration coefficient 6.67 mL/min/mmHg)",
    ),
    "CAPILLARY_PRESSURE_FRACTION": Parameter(
        0.14,
        "1",
        "capillary pressure = venous + 0.14 (arteriolar - venous): the post/pre-capillary "
        "resistance ratio that gives Guyton's mean functional capillary pressure of 17 "
        "mmHg (ch. 16)",
    ),
    "REFLECTION_COEFFICIENT": Parameter(
        0.9, "1", "Michel CC, Curry FE 1999, Physiol Rev 79:703 (plasma proteins ~0.9)"
    ),
    "LYMPH_FLOW_REST": Parameter(
        2.0 / 60.0, "mL/s", "guyton2006medical ch. 16 (total lymph flow about 120 mL/h)"
    ),
    "LYMPH_GAIN": Parameter(
        5.0 / 60.0,
        "mL/s/mmHg",
        "guyton2006medical ch. 16, Fig. 16-12 (lymph flow rises about tenfold as "
        "interstitial pressure rises 2 mmHg above its normal -2 mmHg)",
    ),
    "INTERSTITIAL_COMPLIANCE_PER_KG": Parameter(
        5.0,
        "mL/mmHg/kg",
        "guyton2006medical ch. 25 (interstitial compliance is low while interstitial "
        "pressure is negative: about 2 L of oedema raise it to 0 mmHg in a 70 kg adult)",
    ),
    "INTERSTITIAL_PRESSURE_REST": Parameter(-3.0, "mmHg", "guyton2006medical ch. 16"),
    "INTERSTITIAL_VOLUME_PER_KG": Parameter(
        11000.0 / 70.0, "mL/kg", "guyton2006medical ch. 25 (11 L of interstitial fluid)"
    ),
    "PLASMA_PROTEIN_REST": Parameter(
        0.073, "g/mL", "guyton2006medical ch. 16 (plasma proteins 7.3 g/dL)"
    ),
    "URINE_FLOW_REST": Parameter(
        1.5e3 / 86400.0, "mL/s", "guyton2006medical p315 (urine 1.5 L/day)"
    ),
    "URINE_PRESSURE_THRESHOLD": Parameter(
        50.0,
        "mmHg",
        "guyton2006medical ch. 19 (renal output curve: urine output nearly stops below "
        "an arterial pressure of about 50 mmHg)",
    ),
    "URINE_PRESSURE_EXPONENT": Parameter(
        2.0,
        "1",
        "guyton2006medical ch. 19 (output about 3-4 times normal at 150 mmHg: "
        "((150-50)/(100-50))^2 = 4)",
    ),
    "URINE_VOLUME_EXPONENT": Parameter(
        1.0,
        "1",
        "ATLS 10th ed. 2018 (urine output unchanged in classes I-II, decreased in III, "
        "greatly decreased in IV); vasopressin and aldosterone cut urine output with "
        "blood volume at normal pressure: in proportion to the volume left",
    ),
    "RENAL_PRESSURE_TAU": Parameter(
        300.0,
        "s",
        "guyton2006medical ch. 19 (pressure natriuresis acts over minutes to hours; "
        "averaging over 5 minutes also keeps beat-to-beat variability out of it)",
    ),
    # --- lactate
    "LACTATE_REST": Parameter(1.0, "mmol/L", "Kratz2004Case p1555 (0.6-1.7 mmol/L)"),
    "LACTATE_CLEARANCE": Parameter(
        1.0 / 1050.0,
        "1/s",
        "Levraut J et al. 1998, Am J Respir Crit Care Med 157:1021 (lactate clearance "
        "about 800 mL/min): the share of the 14 L of a 70-kg man's extracellular water "
        "cleared each second, a half-life of 12 min",
    ),
    "LACTATE_VOLUME_PER_KG": Parameter(
        0.2, "L/kg", "lactate distributes in the extracellular water (about 20 % of mass)"
    ),
    "LACTATE_PER_O2_DEFICIT": Parameter(
        6.0,
        "mmol lactate/mmol O2",
        "anaerobic glycolysis yields 1 ATP per lactate against 6 ATP per O2 aerobically "
        "(Berg JM et al., Biochemistry, 2002)",
    ),
    "CO2_PER_LACTATE": Parameter(
        1.0,
        "mmol CO2/mmol lactate",
        "Wasserman K et al. 1973 (lactic acid is buffered by bicarbonate, "
        "H+ + HCO3- -> H2O + CO2: about 22 mL of CO2 beyond metabolic CO2 per mmol; "
        "clearing the lactate regenerates the bicarbonate)",
    ),
    "SYMPATHETIC_MEAN_TAU": Parameter(
        20.0,
        "s",
        "Cryer 1980 (the adrenal medulla secretes as its splanchnic sympathetic nerve "
        "fires; sympathetic firing is averaged over 20 s so that single beats and breaths "
        "do not show in the adrenal drive)",
    ),
    "ADRENALINE_TAU": Parameter(
        216.0,
        "s",
        "Cryer 1980 (plasma adrenaline has a half-life of about 2.5 min: a time constant "
        "of 150 s / ln 2)",
    ),
    "ADRENAL_LACTATE_THRESHOLD": Parameter(
        0.1,
        "1",
        "Cryer 1980 (adrenaline rises above its resting level in plasma only once "
        "sympathetic activity is clearly raised); James 1999 (the lactate of shock is "
        "made by adrenaline-driven aerobic glycolysis in muscle): the excess of the "
        "adrenal drive over rest below which no lactate is added",
    ),
    "ADRENAL_LACTATE_HALF_DRIVE": Parameter(
        4.0,
        "1",
        "Levy 2005 (muscle lactate production in shock follows beta-adrenergic "
        "stimulation of the Na+/K+ pump and saturates); set with LACTATE_ADRENERGIC_MAX "
        "so that base excess falls as in ATLS 10th ed. classes II-IV: the adrenal drive "
        "above threshold at which half the maximal production is reached",
    ),
    "LACTATE_ADRENERGIC_MAX": Parameter(
        0.4,
        "mmol/kg/min",
        "James 1999, Levy 2005 (in haemorrhagic and septic shock lactate is made "
        "aerobically by muscle under adrenaline, not only by tissue hypoxia); set so "
        "that base excess falls as in ATLS 10th ed. classes II-IV (0 to -2, -2 to -6, -6 "
        "to -10, -10 or lower mmol/L)",
    ),
    "ADRENERGIC_LACTATE_FADE_TAU": Parameter(
        7200.0,
        "s",
        "Levy B. Crit Care 2005;9:561 (adrenaline raises lactate transiently, through "
        "aerobic glycolysis); Levy B et al. Intensive Care Med 1997;23:282 (the rise under "
        "a steady adrenaline infusion is seen over the first hours): the time constant "
        "with which muscle's glycolysis adapts to a sustained adrenal drive",
    ),
    "CRITICAL_TISSUE_O2": Parameter(
        0.04,
        "mL/mL",
        "O2 use falls once extraction passes about 70 % (Cain SM 1977, J Appl Physiol "
        "42:228; critical O2 delivery): tissue content at which use halves",
    ),
    "CAROTID_BODY_PERFUSION_THRESHOLD": Parameter(
        80.0,
        "mmHg",
        "Landgren S, Neil E. Acta Physiol Scand 1951;23:158 (carotid chemoreceptor "
        "discharge rises once arterial pressure falls below about 80 mmHg after "
        "haemorrhage)",
    ),
    "CAROTID_BODY_HYPOPERFUSION_GAIN": Parameter(
        0.12,
        "L/min/mmHg",
        "set so that breathing is unchanged in ATLS 10th ed. classes I-II and raised in "
        "class IV (the 10th edition gives directions, not rates)",
    ),
    "PHARYNGEAL_OBSTRUCTION_MAX": Parameter(
        0.9,
        "1",
        "Nandi PR et al. Br J Anaesth 1991;66:157 (under anaesthesia the pharynx closes at "
        "the soft palate and the epiglottis); Eastwood PR et al. Anesthesiology "
        "2005;103:470 (at deep propofol anaesthesia the pharynx closes at about "
        "atmospheric pressure): share of its cross-section lost when unsupported, leaving "
        "the partial obstruction that snoring and a rocking chest show",
    ),
    "PHARYNX_OPEN_BIS": Parameter(
        70.0,
        "1",
        "ASA 2019 continuum of sedation (moderate sedation: the airway needs no "
        "intervention), at a BIS of about 70 (Glass PS et al. Anesthesiology "
        "1997;86:836: half of volunteers no longer answer to voice at a BIS of about 67-70 "
        "under propofol or midazolam)",
    ),
    "PHARYNX_CLOSED_BIS": Parameter(
        40.0,
        "1",
        "ASA 2019 continuum of sedation (general anaesthesia: airway intervention often "
        "required), at a BIS of about 40 (Johansen JW. Best Pract Res Clin Anaesthesiol "
        "2006;20:81: 40-60 general anaesthesia, below 40 deep hypnosis)",
    ),
    "WINTER_SLOPE": Parameter(
        1.5,
        "mmHg per mmol/L",
        "Winter's formula (expected PaCO2 = 1.5 HCO3 + 8 +/- 2 mmHg in metabolic acidosis "
        "once breathing has compensated): the fall of PaCO2 per mmol/L of bicarbonate used",
    ),
    "ACUTE_ACIDOSIS_SHARE": Parameter(
        0.5,
        "1",
        "Wasserman K et al. J Appl Physiol 1975;39:354 (the hyperventilation of exercise "
        "lactic acidosis comes within minutes, through the carotid bodies: without them "
        "PaCO2 does not fall); Adrogue HJ, Madias NE. N Engl J Med 1998;338:26 (the "
        "compensation is complete only after 12-24 h): the share of the compensation the "
        "carotid bodies give at once (model assumption: half)",
    ),
    "TAU_CSF_ACIDOSIS": Parameter(
        6.0 * 3600.0,
        "s",
        "Fencl V et al. Am J Physiol 1966;210:459 (breathing follows the cerebrospinal "
        "fluid's bicarbonate); Adrogue HJ, Madias NE. N Engl J Med 1998;338:26 "
        "(respiratory compensation of metabolic acidosis complete in 12-24 h): a time "
        "constant of 6 h, 95 % at 18 h",
    ),
    # --- monitors
    "OXIMETRY_MIN_PULSE_FRACTION": Parameter(
        0.08,
        "1",
        "Lawson D et al. 1987 (pulse oximeters lost their signal once limb blood flow "
        "fell below about 8 % of control): the fraction of the resting peripheral pulse "
        "below which the oximeter shows no reading",
    ),
    "BRAIN_VENOUS_SAT_HALF_CONSCIOUS": Parameter(
        0.30,
        "1",
        "Schell RM, Cole DJ 2000 (Table 1: jugular venous O2 saturation below about 45 % "
        "brings confusion and below about 24 % unconsciousness); the saturation at which "
        "the brain's O2 supply halves the consciousness index",
    ),
    "BRAIN_VENOUS_SAT_HILL": Parameter(
        6.0,
        "1",
        "Schell RM, Cole DJ 2000 (steepness: from confusion at 45 % to unconsciousness "
        "at 24 % jugular venous saturation)",
    ),
    # --- the heart's O2 balance, acid-base and rhythm
    "HYPOXAEMIC_DILATION": Parameter(
        2.0,
        "1",
        "Weisbrod CJ, Minson CT, Joyner MJ, Halliwill JR. J Physiol 2001;537:613 (limb "
        "vessels dilate in systemic hypoxia, against the sympathetic constriction it "
        "brings): the fractional fall of a bed's resistance per unit fall of arterial O2 "
        "saturation, set so that breathing 12 % O2 (SpO2 97 to 81 %) leaves mean pressure "
        "within 2 % of rest, as steady hypoxia does in healthy adults (young men: MAP 90 "
        "to 90 mmHg, heart rate 60 to 73 /min; pmc.ncbi.nlm.nih.gov/articles/PMC3972743, "
        "Table 2); heart rate then rises 0.8 /min per % of saturation (Slutsky AS, Rebuck "
        "AS 1978: 0.98, range 0.62-1.46)",
    ),
    "METABOLIC_VASODILATION_GAIN": Parameter(
        4.0,
        "1",
        "Feigl EO. Physiol Rev 1983;63:1 (coronary flow follows myocardial O2 demand and "
        "is held constant over perfusion pressures of about 60-140 mmHg by metabolic "
        "autoregulation); Paulson OB et al. Cerebrovasc Brain Metab Rev 1990;2:161 (the "
        "same for the brain over about 60-150 mmHg): the exponent of the tissue's O2 "
        "content, relative to rest, on the resistance of the heart's and the brain's beds",
    ),
    "CORONARY_ZERO_FLOW_PRESSURE": Parameter(
        25.0,
        "mmHg",
        "Chilian WM, Marcus ML. Am J Physiol 1984;247:H984 (in long diastoles coronary "
        "arterial inflow stopped at 19-31 mmHg, well above right atrial pressure): the "
        "back pressure of the coronary bed, a vascular waterfall (Hoffman JIE, Spaan JAE. "
        "Physiol Rev 1990;70:331), so the heart is starved once the pressure falls "
        "towards it however far its vessels dilate",
    ),
    "CORONARY_MAX_DILATION": Parameter(
        0.2,
        "1",
        "Gould KL et al. Am J Cardiol 1974;33:87 (coronary flow reserve: maximal "
        "vasodilation raises flow about 4-5 fold): the lowest coronary resistance as a "
        "share of its resting value",
    ),
    "CEREBRAL_MAX_DILATION": Parameter(
        0.5,
        "1",
        "Paulson et al. 1990 (cerebral flow falls once mean pressure drops below about "
        "60 mmHg, at about half the resting resistance... the lower limit of autoregulation "
        "from a resting pressure near 95 mmHg): the lowest cerebral resistance as a share "
        "of its resting value",
    ),
    "ACIDOSIS_PH_THRESHOLD": Parameter(
        7.2,
        "pH",
        "Kimmoun A et al. Crit Care 2015;19:175 (below pH 7.2 acidaemia depresses "
        "cardiac contractility and the vascular response to catecholamines); Mitchell JH "
        "et al. Kidney Int 1972;1:375",
    ),
    "ACIDOSIS_DEPRESSION_PER_PH": Parameter(
        1.25,
        "1/pH",
        "Orchard CH, Kentish JC. Am J Physiol 1990;258:C967 (developed force of cardiac "
        "muscle falls by about half as pH falls 0.4 units below normal): the share of "
        "contractility and vascular response lost per pH unit below the threshold",
    ),
    "MYOCARDIAL_ARREST_FRACTION": Parameter(
        0.2,
        "1",
        "Vatner SF. Circ Res 1980;47:201 (systolic wall thickening falls in proportion "
        "to subendocardial flow and ceases once flow is cut by about 80 %): the share of "
        "the heart's O2 demand met below which it stops pumping (pulseless electrical "
        "activity)",
    ),
    "MYOCARDIAL_SILENCE_FRACTION": Parameter(
        0.01,
        "1",
        "electrical activity needs the membrane pumps' ATP: once the heart meets almost "
        "none of its O2 demand, pulseless electrical activity decays to asystole "
        "(model assumption, after Vatner 1980 and Senges J et al. Circ Res 1979;44:856)",
    ),
    "ARREST_VF_PROBABILITY": Parameter(
        0.19,
        "1",
        "Andersen LW et al. In-hospital cardiac arrest: a review. JAMA 2019;321:1200 "
        "(the first documented rhythm is shockable in about 19 % of arrests; the others "
        "are pulseless electrical activity or asystole)",
    ),
    "VF_DECAY_PER_S": Parameter(
        0.1 / 60.0,
        "1/s",
        "Holmberg M et al. Resuscitation 2000;44:7 (the share of arrests still in "
        "ventricular fibrillation falls by about 10 % per minute without treatment): "
        "the rate at which untreated fibrillation fades to asystole",
    ),
    # --- resuscitation: chest compressions and defibrillation
    "COMPRESSION_PRESSURE_PER_CM": Parameter(
        5.0,
        "mmHg/cm",
        "peak pressure a compression puts on the intrathoracic vessels per cm of depth, "
        "set with `CARDIAC_COMPRESSION_SHARE` so that guideline compressions (5.5 cm, "
        "110/min) give 17-27 % of resting cardiac output (Voorhees WD et al. "
        "Crit Care Med 1980;8:134) and a coronary perfusion pressure about 15 mmHg "
        "(Paradis NA et al. JAMA 1990;263:1106)",
    ),
    "COMPRESSION_LUNG_DISPLACEMENT_PER_CM": Parameter(
        15.0,
        "mL/cm",
        "Deakin CD et al. Resuscitation 2007;75:53 (chest compressions alone moved a mean "
        "41.5 mL of air per compression in intubated patients): the chest volume a "
        "compression takes from the lungs per cm of depth (half of it leaves as air when "
        "lung and chest wall are equally compliant); the lungs' small airways close "
        "under the rest of the push, which reaches the vessels",
    ),
    "CARDIAC_COMPRESSION_SHARE": Parameter(
        0.2,
        "1",
        "Deshmukh HG et al. Chest 1989;95:1092 (echocardiography in human CPR: the "
        "ventricles are squeezed and the mitral valve closes in compression, so part of "
        "the force acts on the heart directly); the share of the chest's compression "
        "pressure the ventricles feel on top of the pleural rise (0.2, set with "
        "`COMPRESSION_PRESSURE_PER_CM`)",
    ),
    "SHOCK_ENERGY_HALF_J": Parameter(
        74.0,
        "J",
        "Stiell IG et al. Circulation 2007;116:1511 (BIPHASIC trial: a 200 J biphasic "
        "first shock ends early ventricular fibrillation in about 88 %); the energy at "
        "which a logistic dose-response in energy (slope `SHOCK_ENERGY_HILL`) ends half "
        "of early fibrillation, set to give 88 % at 200 J",
    ),
    "SHOCK_ENERGY_HILL": Parameter(
        2.0,
        "1",
        "Hill slope of the shock's energy response: 150 J ends about 80 % and 360 J about "
        "96 % of early fibrillation (Stiell 2007: escalating 200-360 J better than fixed "
        "150 J for recurrent fibrillation)",
    ),
    "HEART_ENERGY_DEPLETION_TAU": Parameter(
        120.0,
        "s",
        "Jennings RB, Reimer KA. Annu Rev Med 1991;42:225 (in severe myocardial ischaemia "
        "creatine phosphate is mostly gone within minutes, ATP over tens of minutes); "
        "Valenzuela TD et al. N Engl J Med 2000;343:1206 (74 % survived fibrillation "
        "shocked within 3 min, 49 % later): the time constant of the myocardium's energy "
        "reserve falling towards its O2 supply, so that a shock after about 3 min of "
        "untreated fibrillation still finds a heart that can beat",
    ),
    "HEART_ENERGY_RECOVERY_TAU": Parameter(
        20.0,
        "s",
        "Jennings & Reimer 1991 (creatine phosphate refills within a minute of "
        "reperfusion after brief ischaemia): the time constant of the reserve refilling",
    ),
    "CONTRACTILE_RESERVE_TAU": Parameter(
        20.0,
        "s",
        "Tennant R, Wiggers CJ. Am J Physiol 1935;112:351 (after a coronary artery is "
        "tied, its territory weakens over seconds and stops contracting within about a "
        "minute): the time constant over which a heart whose O2 supply fails (a pause, "
        "a sudden fall of coronary flow) loses the contraction its phosphagen and "
        "glycolysis keep up, so that seconds of asystole do not stop it",
    ),
    "REPERFUSION_S": Parameter(
        10.0,
        "s",
        "the seconds after the heart restarts (a shock, the return of circulation) in "
        "which it beats on its energy reserve before its own coronary flow is back, "
        "a few beats' circulation time (model assumption, after Jennings & Reimer 1991)",
    ),
    "SHOCK_ENERGY_EXPONENT": Parameter(
        1.0 / 6.0,
        "1",
        "Larsen MP et al. Ann Emerg Med 1993;22:1652 (the chance of surviving "
        "fibrillation falls by about 8 % of itself per minute without CPR, about half as "
        "fast with it): a shock's chance goes as the myocardial energy reserve to this "
        "power, which with a 120 s depletion time constant falls by e in 12 min of "
        "untreated fibrillation; CPR slows the fall by feeding the reserve",
    ),
    "VF_PERIOD": Parameter(
        0.2,
        "s",
        "Strohmenger HU. Curr Opin Crit Care 2008;14:311 (dominant frequency of human "
        "ventricular fibrillation about 4-7 Hz)",
    ),
    "PEA_PERIOD": Parameter(
        2.0,
        "s",
        "Resuscitation Council UK, Advanced Life Support, 8th ed., 2021 (the agonal, "
        "idioventricular complexes of pulseless electrical activity come at about "
        "20-40/min): 30/min",
    ),
    # --- arrhythmias, cardioversion and pacing
    "AF_RR_CV": Parameter(
        0.2,
        "1",
        "Tateno K, Glass L. Med Biol Eng Comput 2001;39:664 (in atrial fibrillation the "
        "RR intervals' coefficient of variation is high and about constant, near 0.2, "
        "against a few per cent in sinus rhythm): the random spread of the ventricular "
        "intervals in atrial fibrillation",
    ),
    "VENTRICULAR_ACTIVATION_CONTRACTILITY": Parameter(
        0.8,
        "1",
        "Prinzen FW, Peschar M. Pacing Clin Electrophysiol 2002;25:484 (activation "
        "spreading from one ventricular site, as in ventricular pacing, lowers LV "
        "dP/dtmax and stroke work by about 10-30 %): the share of contractility left "
        "when beats start in a ventricle (ventricular tachycardia, escape rhythm, paced)",
    ),
    "AF_SHOCK_HALF_J": Parameter(
        82.0,
        "J",
        "Page RL et al. J Am Coll Cardiol 2002;39:1956 (biphasic cardioversion of atrial "
        "fibrillation: a first shock of 100 J succeeds in 60 %; escalating to 150 and "
        "200 J, 77 and 90 % in all): with `SHOCK_ENERGY_HILL` 2, half at 82 J gives 60 % "
        "at 100 J. Shocks are drawn independently, so escalation succeeds more often "
        "than in patients, some of whom resist every shock",
    ),
    "ORGANISED_SHOCK_HALF_J": Parameter(
        41.0,
        "J",
        "Gurevitz OT et al. Am Heart J 2005;149:316 (biphasic cardioversion of atrial "
        "flutter needed about half the energy of atrial fibrillation: 108 against 199 J "
        "in all); Resuscitation Council UK ALS 2021 (flutter, SVT and VT with a pulse "
        "convert with lower energies than atrial fibrillation): the energy ending half "
        "of organised tachycardias (flutter, SVT, VT), half of `AF_SHOCK_HALF_J`, so "
        "that 50 J ends about 60 % and 120 J about 90 %",
    ),
    "PACING_THRESHOLD_MA": Parameter(
        70.0,
        "mA",
        "Epstein AE et al. ACC/AHA/HRS 2008 device guidelines, Circulation "
        "2008;117:e350 (transcutaneous pacing captures at 40-80 mA in most patients; "
        "emergency series report means of 73-81 mA): the current at which a "
        "transcutaneous pacemaker captures the ventricles",
    ),
    "ZONE_ONE_FLOW_SHARE": Parameter(
        0.5,
        "1",
        "Weil MH et al. Crit Care Med 1985;13:907 (during CPR end-tidal CO2 fell in "
        "proportion to cardiac output): below this share of resting cardiac output the "
        "pulmonary pressure no longer reaches the upper lung (West's zone 1), whose "
        "ventilated, unperfused alveoli dilute the end-tidal gas in proportion to the "
        "flow lost",
    ),
    "POST_ANOXIC_COMA_S": Parameter(
        300.0,
        "s",
        "Booth CM et al. JAMA 2004;291:870 (coma after resuscitation is likelier the "
        "longer the arrest; patients shocked within a few minutes usually wake soon); "
        "Safar 1986 (no-flow beyond about 5 min damages the brain): the ischaemic time "
        "that halves the consciousness a resuscitated brain regains",
    ),
    "IRREVERSIBLE_NO_FLOW_S": Parameter(
        600.0,
        "s",
        "Safar P. Circulation 1986;74(suppl IV):IV138 (normothermic no-flow beyond about "
        "5 min damages the brain; beyond about 10 min it is not expected to recover)",
    ),
    "LETHAL_O2_DEBT_MEAN": Parameter(
        120.0,
        "mL/kg",
        "Crowell JW, Smith EE. Am J Physiol 1964;206:313 (dogs held at 30 mmHg: an O2 "
        "deficit of 100 mL/kg or less was survived, 120 mL/kg killed half, 140 mL/kg or "
        "more killed all, even after the shed blood was returned)",
    ),
    "LETHAL_O2_DEBT_SD": Parameter(
        10.0,
        "mL/kg",
        "Crowell & Smith 1964 (from 100 mL/kg survived to 140 mL/kg always lethal: "
        "about two standard deviations either side of the LD50)",
    ),
    "DECOMPENSATION_TAU": Parameter(
        1800.0,
        "s",
        "guyton2006medical ch. 24 (irreversible shock: after transfusion the pressure "
        "rises for a while, then falls over the next hour or so to death)",
    ),
    "SYMPATHOINHIBITION_FILLING_FALL": Parameter(
        4.7,
        "mmHg",
        "Schadt JC, Ludbrook J. Am J Physiol 1991;260:H305 (after about 30 % of blood "
        "volume is lost, cardiac vagal afferents withdraw sympathetic drive and raise "
        "vagal drive: pressure falls to about half and heart rate falls); the fall of "
        "the right atrium's filling (transmural) pressure below rest at which that phase "
        "is half developed: 4.6-4.7 mmHg at 30 % loss in the standard man bled at 100 "
        "mL/min",
    ),
    "SYMPATHOINHIBITION_WIDTH": Parameter(
        0.5,
        "mmHg",
        "Schadt & Ludbrook 1991 (the second phase sets in abruptly)",
    ),
    # --- temperature
    "SPECIFIC_HEAT": Parameter(
        3.47, "J/g/K", "Herman IP 2007, Physics of the Human Body (herman2007physics)"
    ),
    "T_CORE_SET": Parameter(37.0, "degC", "herman2007physics (normal core temperature)"),
    "T_AMBIENT": Parameter(22.0, "degC", "room temperature"),
}

# Per-patient values computed by `scaling.derive_parameters` (see its docstring for the
# rule and source of each).
DERIVED: list[Entry] = [
    "HB", "BLOOD_VOLUME", "BSA", "IBW", "BODY_MASS", "MIN_HEART_PERIOD", "HEAT_CAPACITY",
    "HEAT_CONDUCTANCE", "T_REST",
    "VU_VC", "E_VC",
    ("R", _BED_UPPER),
    ("G_R", _BED_UPPER),
    ("E_V", _BED_UPPER),
    ("VU_V", _BED_UPPER),
    ("R_V", _BED_UPPER),
    ("G_VU", _BED_UPPER),
    ("VO2", _BED_UPPER),
    ("CAP_O2", _BED_UPPER),
    ("CAP_CO2", _BED_UPPER),
    "FRC", "V_LUNG0", "V_CW0", "VD1", "VD2", "RR_REST", "PMUS_REST", "VE_REST", "PIMAX",
    "SIGMA_REF_S", "FEV_REF", "SEED",
    # body fluids and blood, referenced to the settled resting state
    "RA_FILLING_REST", "V_ISF_REST", "INTERSTITIAL_COMPLIANCE",
    "CAPILLARY_PRESSURE_REF", "ONCOTIC_PRESSURE_REF",
    "RENAL_PRESSURE_REF", "BLOOD_VOLUME_REF", "FLUID_INTAKE", "LACTATE_VOLUME",
    ("TISSUE_O2_REST", _BED_UPPER),
    ("HAEMORRHAGE_PRESSURE_REF", len(HAEMORRHAGE_SITES)), "PLETH_PULSE_REST",
    "CARDIAC_OUTPUT_REST",
    "SYMPATHETIC_REST",
    "LETHAL_O2_DEBT",
]  # fmt: skip

# Run-time inputs: what actions write while a twin runs (`medtwin.physiology.inputs`
# gives them by name and shape); zero until an action sets them.
INPUTS: list[Entry] = [
    ("HAEMORRHAGE_RATE", len(HAEMORRHAGE_SITES)), "INFUSION_RATE", "INFUSION_HCT",
    "INFUSION_PROTEIN", "INFUSION_O2",
    # drug slots: PK transition over one slow step, effects; see physiology.drugs
    ("DRUG_PHI", DRUG_SLOTS * DRUG_STATES * DRUG_STATES), ("DRUG_GAMMA", DRUG_SLOTS * DRUG_STATES),
    ("DRUG_V1", DRUG_SLOTS), ("DRUG_CONC_FACTOR", DRUG_SLOTS), ("DRUG_RATE", DRUG_SLOTS),
    ("DRUG_OPIOID", DRUG_SLOTS), ("DRUG_FADES", DRUG_SLOTS), ("DRUG_EMAX", DRUG_SLOTS * N_EFFECTS),
    ("DRUG_EC50", DRUG_SLOTS * N_EFFECTS), ("DRUG_HILL", DRUG_SLOTS * N_EFFECTS),
    # chest compressions (rate /min, depth cm, hands-on fraction, leaning share)
    "CPR_RATE", "CPR_DEPTH", "CPR_FRACTION", "CPR_LEANING",
    # a transcutaneous pacemaker (rate /min, current mA; 0 = off)
    "PACE_RATE", "PACE_CURRENT",
    # breathing support (physiology.ventilation): mode and settings; the airway
    "VENT_MODE", "VENT_RATE", "VENT_VT", "VENT_PINSP", "VENT_PEEP", "VENT_TI",
    "VENT_FIO2", "VENT_DELIVERED", "AIRWAY_OBSTRUCTION", "AIRWAY_TUBE", "BRONCHOSPASM",
    # SIMV's pressure support of the patient's own breaths (cmH2O above PEEP)
    "VENT_PS",
    # the ventilator's trigger (L/min if positive, a flow; cmH2O if negative, a
    # pressure), its alarm limits (high airway pressure cmH2O, low exhaled minute
    # volume L/min, apnoea s) and 1 while its circuit is disconnected from the patient
    "VENT_TRIGGER", "VENT_HIGH_PRESSURE", "VENT_LOW_MV", "VENT_APNOEA_S", "VENT_DISCONNECTED",
    # 1 while the airway is held open (head tilt-chin lift, jaw thrust) or an adjunct is in
    "AIRWAY_SUPPORT",
    # the share of the lungs no longer aerated by an acute lung injury (ARDS)
    "LUNG_INJURY",
    # an oxygen device on a spontaneously breathing patient
    "O2_FLOW", "O2_RESERVOIR", "O2_SOURCE_FIO2", "O2_ENTRAINMENT",
    # the conductance of each lung's tear into its pleural space (mL/s per cmH2O) and
    # how the pleural air is let out (pleura.VENT_*)
    ("PTX_LEAK", 2), ("PTX_VENT", 2),
]  # fmt: skip

P = make_layout("P", [*REFERENCE, *DERIVED, *INPUTS])
P_RECORD = make_record([*REFERENCE, *DERIVED, *INPUTS])
N_PARAM = len(P)
