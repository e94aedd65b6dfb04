"""WFDB numerics and the `twin` / `replay` commands end to end."""

import csv

import pytest
from typer.testing import CliRunner

from medtwin.cli import app
from medtwin.interop.wfdb_read import read_numerics

from .conftest import DATA

RECORD = DATA / "s00001-2896-10-10-00-31n"
runner = CliRunner()


def test_mimic_numerics_channels_and_patient():
    record = read_numerics(RECORD)
    # header: 10 channels at 1/60 Hz, "<age>: 60 <sex>: F"; PULSE has no mapping
    assert record.age_years == 60 and record.sex == "female"
    assert record.sample_interval_s == pytest.approx(60.0)
    assert record.channels["HR"] == "heart_rate" and record.channels["NBPSys"] == "systolic_bp"
    assert record.ignored_channels == ("PULSE",)
    assert len(record.measurements) == 9 * 1936


def test_replay_writes_the_scores_per_signal(tmp_path):
    out = tmp_path / "replay.csv"
    result = runner.invoke(
        app, ["replay", str(RECORD), "--out", str(out), "--minutes", "40", "--members", "3"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == [
        "signal",
        "tracking_mae",
        "forecast5_mae",
        "persistence5_mae",
        "forecast15_mae",
        "persistence15_mae",
    ]
    heart = next(r for r in rows if r["signal"] == "heart_rate")
    # HR of this record sits at 52-63 /min (5th-95th percentile): a twin tracking it errs
    # by a few beats a minute, far less than the record's 55 /min level
    assert 0 < float(heart["tracking_mae"]) < 10


def test_from_fhir_refuses_a_child_with_one_line(tmp_path):
    result = runner.invoke(
        app,
        [
            "twin",
            "from-fhir",
            str(DATA / "bibi_schowalter_juvenile.json"),
            "--out",
            str(tmp_path / "t.json"),
        ],
    )
    assert result.exit_code == 2
    assert "error:" in result.output and "age 10 years" in result.output
    assert "Traceback" not in result.output


def test_from_fhir_then_show(tmp_path):
    out = tmp_path / "twin.json"
    result = runner.invoke(
        app, ["twin", "from-fhir", str(DATA / "martina_murazik.json"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    shown = runner.invoke(app, ["twin", "show", str(out)])
    assert shown.exit_code == 0 and "heart_failure" in shown.output and "ignored" in shown.output
