"""Trials run on Dask: results identical whatever the workers, arms on the same patients."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from medtwin.cli import app
from medtwin.trials import differences, parse_trial, run_trial, summarise

GLUCOSE = {
    "name": "small", "twin": "glucose", "seed": 3, "cohort": {"generated": 12, "group": "adult"},
    "meals": "random", "arms": [{"name": "basal", "controller": "basal"},
                                {"name": "bb", "controller": "basal-bolus"}],
    "outcomes": ["time_in_range_70_180_percent", "mean_glucose_mg_per_dL"],
}  # fmt: skip
CARDIO = {
    "name": "pressors", "twin": "cardiopulmonary", "seed": 2, "cohort": {"generated": 3},
    "duration_min": 6, "at_start": ["propofol 2 mg/kg IV bolus"],
    "arms": [{"name": "none"}, {"name": "phenylephrine",
                                "vasopressor": "phenylephrine 100 mcg IV bolus"}],
    "outcomes": ["min_map_mmHg", "time_map_below_65_min", "vasopressor_doses"],
}  # fmt: skip


def test_glucose_trial_is_the_same_on_two_workers_in_other_chunks():
    trial = parse_trial(GLUCOSE)
    serial = run_trial(trial, cluster="serial", chunk=5)
    dask = run_trial(trial, cluster="local", workers=2, chunk=3)
    pd.testing.assert_frame_equal(serial, dask)
    assert len(serial) == 24 and list(serial["key"][:12]) == list(range(12))
    by_arm = serial.groupby("arm")["time_in_range_70_180_percent"].mean()
    assert by_arm["bb"] > by_arm["basal"] + 30


def test_cardiopulmonary_trial_phenylephrine_raises_the_lowest_map():
    trial = parse_trial(CARDIO)
    results = run_trial(trial, cluster="serial")
    none = results[results["arm"] == "none"].set_index("key")
    pressor = results[results["arm"] == "phenylephrine"].set_index("key")
    assert (none["vasopressor_doses"] == 0).all() and (pressor["vasopressor_doses"] >= 1).all()
    # Same patients in both arms: a vasoconstrictor can only shorten hypotension.
    assert (pressor["time_map_below_65_min"] <= none["time_map_below_65_min"]).all()
    assert pressor["time_map_below_65_min"].sum() < none["time_map_below_65_min"].sum()


def test_summary_mean_and_t_interval():
    results = pd.DataFrame({"arm": ["a"] * 4, "x": [1.0, 2.0, 3.0, 4.0]})
    row = summarise(results, ["x"]).iloc[0]
    # mean 2.5, s = 1.291, t(0.975, 3) = 3.182: half-width 2.054
    assert row["mean"] == 2.5 and row["n"] == 4
    assert row["ci_high"] - row["mean"] == pytest.approx(3.182446 * 1.290994 / 2, rel=1e-5)


def test_a_patient_an_order_is_refused_for_is_excluded_from_every_arm():
    # Seed 13 draws a woman with BMI 37.1 kg/m² first: propofol's dose model uses the
    # James lean body mass, which peaks at BMI ≈ 36 kg/m² in women (James WPT. Research
    # on obesity. HMSO 1976) and is refused there. She is excluded, not a crash.
    trial = parse_trial(CARDIO | {"seed": 13, "cohort": {"generated": 2}, "duration_min": 1})
    results = run_trial(trial, cluster="serial")
    first = results[results["key"] == 0]
    assert len(first) == 2 and first["min_map_mmHg"].isna().all()
    assert first["excluded"].str.contains("propofol 2 mg/kg IV bolus: bmi = 37.1").all()
    assert (results.loc[results["key"] == 1, "excluded"] == "").all()
    assert summarise(results, ["min_map_mmHg"])["n"].tolist() == [1, 1]


def test_trial_cli_counts_exclusions_by_refused_order(tmp_path):
    import yaml

    path = tmp_path / "excluding.yaml"
    outcomes = [*CARDIO["outcomes"], "first_dose_min"]
    path.write_text(yaml.safe_dump(CARDIO | {"seed": 13, "cohort": {"generated": 2},
                                             "duration_min": 1, "outcomes": outcomes}),
                    encoding="utf-8")  # fmt: skip
    result = CliRunner().invoke(app, ["trial", "run", str(path), "--cluster", "serial",
                                      "--out", str(tmp_path / "r.parquet")])  # fmt: skip
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "excluded 1 of 2 patients: propofol 2 mg/kg IV bolus refused (e.g. bmi = 37.1" in flat
    summary, paired = flat.split("paired differences")
    assert "first_dose_min" in summary and "first_dose_min" not in paired  # none in "none"


def test_paired_differences_and_their_t_interval():
    # Altman 1991 (section 9.6): the paired interval is the one-sample interval of the
    # within-patient differences, here 1, 2, 3 (key 3 has no value in arm a): mean 2,
    # s = 1, t(0.975, 2) = 4.303.
    results = pd.DataFrame({"arm": ["a"] * 4 + ["b"] * 4, "key": [0, 1, 2, 3] * 2,
                            "x": [10.0, 20.0, 30.0, np.nan, 11.0, 22.0, 33.0, 7.0]})  # fmt: skip
    row = differences(results, ["x"], "a").iloc[0]
    assert (row["arm"], row["reference"], row["n"], row["mean"]) == ("b", "a", 3, 2.0)
    assert row["ci_high"] - row["mean"] == pytest.approx(4.302653 * 1.0 / np.sqrt(3), rel=1e-5)
    assert differences(results, ["x"], "b").iloc[0]["mean"] == -2.0


def test_trial_run_cli_writes_parquet_and_summary(tmp_path):
    import yaml

    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(GLUCOSE), encoding="utf-8")
    out, summary, paired = tmp_path / "r.parquet", tmp_path / "s.csv", tmp_path / "d.csv"
    result = CliRunner().invoke(app, ["trial", "run", str(path), "--cluster", "serial",
                                      "--cohort-size", "4", "--out", str(out),
                                      "--summary", str(summary), "--differences",
                                      str(paired)])  # fmt: skip
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    assert len(frame) == 8 and set(frame["arm"]) == {"basal", "bb"}
    table = pd.read_csv(summary)
    assert np.all(table["ci_low"] <= table["mean"]) and "95 % CI" in result.output
    change = pd.read_csv(paired).set_index("outcome")
    assert "bb − basal" in result.output and set(change["arm"]) == {"bb"}
    tir = frame.pivot(index="key", columns="arm", values="time_in_range_70_180_percent")
    assert change.loc["time_in_range_70_180_percent", "mean"] == pytest.approx(
        (tir["bb"] - tir["basal"]).mean(), rel=1e-5
    )


def test_trial_cli_errors_are_one_line(tmp_path):
    import yaml

    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(GLUCOSE), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ntwin: cardiopulmonary\narms: [{name: a, vasopressor: "
                   "'phenylephrine 100 mg IV bolus'}]\n", encoding="utf-8")  # fmt: skip
    for arguments, words in (([str(bad), "--cluster", "serial"], "arms[0].vasopressor"),
                             ([str(good), "--cluster", "udp://x"], "not understood"),
                             (["missing.yaml"], "cannot be read")):  # fmt: skip
        result = CliRunner().invoke(app, ["trial", "run", *arguments])
        assert result.exit_code == 2 and result.output.startswith("error:"), result.output
        assert words in result.output and len(result.output.strip().splitlines()) == 1
