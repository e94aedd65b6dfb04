"""`medtwin drugs` and `medtwin pk`: the command functions in medtwin.pharmacology.commands.

They are registered on a local Typer app here, exactly as medtwin.cli registers them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from medtwin.patients import Patient
from medtwin.pharmacology import drug
from medtwin.pharmacology.commands import drugs_command, pk_command

app = typer.Typer(pretty_exceptions_enable=False)
app.command("drugs")(drugs_command)
app.command("pk")(pk_command)
WIDE = {"COLUMNS": "250"}
PATIENT = ["--age", "40", "--weight", "70", "--height", "170", "--sex", "male"]


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env=WIDE)


@pytest.fixture(scope="module")
def propofol_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("pk") / "pk.csv"
    result = invoke(
        "pk", "--drug", "propofol", "--model", "schnider", *PATIENT,
        "--bolus", "2 mg/kg", "--infusion", "10 mg/kg/h for 60 min", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    return pd.read_csv(out)


def test_pk_writes_time_plasma_and_effect_site_columns(propofol_run):
    assert list(propofol_run.columns) == [
        "time_s",
        "plasma_concentration_ug_per_mL",
        "effect_site_concentration_ug_per_mL",
    ]


def test_pk_rows_are_at_most_10_s_apart_until_30_min_after_the_infusion(propofol_run):
    t = propofol_run["time_s"].to_numpy()
    assert t[0] == 0 and t[-1] == pytest.approx(90 * 60)
    assert np.all(np.diff(t) <= 10) and np.all(np.diff(t) > 0)


def test_pk_plasma_peak_right_after_the_bolus_is_dose_over_v1(propofol_run):
    """Instantaneous bolus: Cp(0) = 140 mg / 4.27 L (Schnider V1), effect site still empty."""
    first = propofol_run.iloc[0]
    assert first["plasma_concentration_ug_per_mL"] == pytest.approx(140 / 4.27, rel=1e-6)
    assert first["effect_site_concentration_ug_per_mL"] == 0.0
    assert propofol_run["plasma_concentration_ug_per_mL"].idxmax() == 0


def test_pk_uses_the_drug_concentration_unit_and_default_model(tmp_path):
    out = tmp_path / "remi.csv"
    result = invoke("pk", "--drug", "Ultiva", *PATIENT, "--bolus", "1 mcg/kg", "--step", "10",
                    "--out", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert "plasma_concentration_ng_per_mL" in table.columns
    adult = Patient(name="x", sex="male", age_years=40, height_cm=170, weight_kg=70)
    pk = drug("remifentanil").model().parameters(adult)
    assert table["plasma_concentration_ng_per_mL"].iloc[0] == pytest.approx(70 / pk.v1_L)
    assert table["time_s"].iloc[-1] == pytest.approx(1800)


def test_pk_for_a_drug_without_effect_site_writes_plasma_only(tmp_path):
    out = tmp_path / "cef.csv"
    result = invoke("pk", "--drug", "cefazolin", *PATIENT, "--bolus", "2 g", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert list(pd.read_csv(out).columns) == ["time_s", "plasma_concentration_ug_per_mL"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--drug", "fentanil", "--bolus", "1 mcg"], "unknown drug 'fentanil'"),
        (["--drug", "fentanyl", "--bolus", "50 g"], "above the largest plausible"),
        (["--drug", "propofol", "--bolus", "2 mL/kg"], "not a dose unit"),
        (["--drug", "propofol", "--infusion", "10 mg/kg/h"], "has no end"),
        (["--drug", "propofol", "--bolus", "10 mg/kg/h for 5 min"], "is a rate"),
        (["--drug", "propofol", "--model", "eleveld", "--bolus", "1 mg"], "no model 'eleveld'"),
        (["--drug", "propofol", "--age", "5", "--bolus", "1 mg"], "age_years = 5.0"),
        (["--drug", "propofol"], "at least one --bolus or --infusion"),
        (["--drug", "propofol", "--bolus", "1 mg", "--step", "30"], "--step"),
    ],
)
def test_pk_user_errors_are_one_line_with_exit_code_2(tmp_path, args, message):
    result = invoke("pk", *args, "--out", str(tmp_path / "x.csv"))
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_drugs_lists_every_drug_with_models_units_and_sources():
    result = invoke("drugs")
    assert result.exit_code == 0, result.output
    for name in ("propofol", "remifentanil", "cefazolin", "schnider*, marsh", "Minto CF"):
        assert name in result.output
