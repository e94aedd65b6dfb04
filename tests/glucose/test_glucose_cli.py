"""`medtwin glucose run` and `plan` from the command line."""

import pandas as pd
from typer.testing import CliRunner

from medtwin.cli import app

runner = CliRunner()


def test_run_writes_one_row_per_minute_with_the_issue_columns(tmp_path):
    out, plot = tmp_path / "g.csv", tmp_path / "g.png"
    result = runner.invoke(app, ["glucose", "run", "--patient", "adult#001", "--meals",
                                 "7:00 45g, 12:00 70g, 18:00 80g", "--controller",
                                 "basal-bolus", "--days", "1", "--out", str(out),
                                 "--plot", str(plot)])  # fmt: skip
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["patient", "time_min", "plasma_glucose_mg_per_dL",
                                   "cgm_mg_per_dL", "insulin_U_per_min", "carbs_g"]  # fmt: skip
    assert len(frame) == 1440 and frame["carbs_g"].sum() == 195
    assert frame.loc[frame["time_min"] == 720, "carbs_g"].item() == 70
    assert plot.stat().st_size > 10_000


def test_all_patients_basal_and_ideal_sensor_stay_at_their_basal_glucose(tmp_path):
    out = tmp_path / "all.csv"
    result = runner.invoke(app, ["glucose", "run", "--patient", "all", "--meals", "none",
                                 "--controller", "basal", "--sensor", "ideal", "--out",
                                 str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert frame["patient"].nunique() == 30 and len(frame) == 30 * 1440
    spread = frame.groupby("patient")["plasma_glucose_mg_per_dL"].agg(lambda g: g.max() - g.min())
    assert spread.max() < 1e-3
    assert (frame["cgm_mg_per_dL"] - frame["plasma_glucose_mg_per_dL"]).abs().max() < 1e-3


def test_plan_compares_plans_with_bands(tmp_path):
    out = tmp_path / "plans.csv"
    result = runner.invoke(app, ["glucose", "plan", "--patient", "adult#001", "--plan",
                                 "bolus 6 U at 12:00", "--plan", "bolus 8 U at 11:45",
                                 "--members", "20", "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    bands = pd.read_csv(out)
    assert set(bands["plan"]) == {"bolus 6 U at 12:00", "bolus 8 U at 11:45"}
    assert (bands["plasma_p95_mg_per_dL"] >= bands["plasma_p05_mg_per_dL"]).all()
    after = bands[bands["time_min"] == 14 * 60].set_index("plan")["plasma_p50_mg_per_dL"]
    assert after["bolus 8 U at 11:45"] < after["bolus 6 U at 12:00"]  # more, earlier insulin


def test_bad_input_is_one_line_and_exit_2():
    for arguments, words in (
        (["run", "--patient", "adult#011"], "adult#011"),
        (["run", "--controller", "mpc"], "allowed are basal, basal-bolus"),
        (["run", "--days", "0"], "days 0"),
        (["run", "--meals", "7:00 45 g, 12"], "'12' is not understood"),
        (["run", "--out", "/no/such/dir/g.csv"], "does not exist"),
        (["plan", "--plan", "bolus 6 U at noon"], "H:MM"),
        (["plan", "--patient", "adult", "--plan", "none"], "one patient"),
    ):
        result = runner.invoke(app, ["glucose", *arguments])
        assert result.exit_code == 2, arguments
        assert result.output.startswith("error:") and words in result.output, result.output
        assert "Traceback" not in result.output
