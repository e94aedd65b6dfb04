"""`medtwin hospital run | compare | calibrate | models`, end to end on real files."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from medtwin.cli import app

DATA = Path(__file__).parents[1] / "data" / "hospital"
WIDE = {"COLUMNS": "200"}
# the columns of results.csv that issue 15 asks for, in its order
ISSUE_COLUMNS = [
    "replication",
    "arrivals",
    "triage_wait",
    "triage_util",
    "registration_wait",
    "registration_util",
    "examination_wait",
    "examination_util",
    "treatment_wait_non_trauma",
    "treatment_util_non_trauma",
    "total_time_non_trauma",
    "trauma_wait",
    "trauma_util",
    "treatment_wait_trauma",
    "treatment_util_trauma",
    "total_time_trauma",
    "throughput",
]


def invoke(*args: str):
    return CliRunner().invoke(app, ["hospital", *args], env=WIDE)


@pytest.fixture(scope="module")
def run_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    result = invoke(
        "run", "treatment-centre", "--replications", "6", "--cluster", "serial",
        "--out", str(folder / "results.csv"), "--report", str(folder / "r.html"),
        "--events", str(folder / "events.csv"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return folder, result.output


def test_run_writes_a_row_per_replication_with_treat_sims_columns(run_files):
    folder, output = run_files
    table = pd.read_csv(folder / "results.csv")
    assert list(table.columns) == ISSUE_COLUMNS
    assert list(table["replication"]) == list(range(6))
    assert (table["throughput"] <= table["arrivals"]).all()
    mean_arrivals = table["arrivals"].mean()
    assert re.search(rf"arrivals\s+│\s+{mean_arrivals:.4g}\s", output)


def test_the_report_is_self_contained_html_with_embedded_plots(run_files):
    page = (run_files[0] / "r.html").read_text()
    assert page.count("src='data:image/png;base64,") == 4
    assert not re.search(r"(src|href)=['\"]?https?:", page)
    assert "Nelson" in page and "triage_wait" in page


def test_calibrate_writes_a_fragment_that_run_accepts(run_files, tmp_path):
    events = run_files[0] / "events.csv"
    fitted = tmp_path / "fitted.yaml"
    result = invoke("calibrate", str(events), "--base", "treatment-centre", "--out", str(fitted),
                    "--diagnostics", str(tmp_path / "fits.csv"))  # fmt: skip
    assert result.exit_code == 0, result.output
    fragment = yaml.safe_load(fitted.read_text())
    assert fragment["extends"] == "treatment-centre"
    assert fragment["activities"]["triage"]["duration"]["distribution"] == "exponential"
    assert (tmp_path / "fitted-arrivals.csv").exists()
    assert set(pd.read_csv(tmp_path / "fits.csv")["activity"]) == {
        "triage", "registration", "examination", "treatment_non_trauma", "trauma",
        "treatment_trauma",
    }  # fmt: skip
    rerun = invoke("run", str(fitted), "--replications", "2", "--cluster", "serial",
                   "--out", str(tmp_path / "again.csv"))  # fmt: skip
    assert rerun.exit_code == 0, rerun.output
    assert list(pd.read_csv(tmp_path / "again.csv").columns) == ISSUE_COLUMNS


def test_compare_reports_paired_differences_and_plots_them(tmp_path):
    out, plot = tmp_path / "diff.csv", tmp_path / "diff.png"
    result = invoke(
        "compare", "treatment-centre", "--scenario", "exam=4", "--scenario", "arrivals*1.2",
        "--replications", "5", "--cluster", "serial", "--out", str(out), "--plot", str(plot),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert set(table["scenario"]) == {"exam=4", "arrivals*1.2"}
    more_rooms = table[table["scenario"] == "exam=4"].set_index("kpi")
    assert more_rooms.loc["arrivals", "difference"] == 0  # common random numbers
    assert more_rooms.loc["examination_wait", "ci_high"] < 0
    busier = table[table["scenario"] == "arrivals*1.2"].set_index("kpi")
    assert busier.loc["arrivals", "ci_low"] > 0
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_models_lists_the_bundled_model_with_its_sources():
    result = invoke("models")
    assert result.exit_code == 0
    assert "treatment-centre" in result.output and "Nelson" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["run", "no-such-model"], "unknown model 'no-such-model'"),
    (["run", "treatment-centre", "--replications", "0"], "--replications 0 must be 1 or more"),
    (["run", "treatment-centre", "--out", "/no/such/folder/r.csv"], "folder /no/such/folder"),
    (["run", "treatment-centre", "--cluster", "nowhere"], "cluster 'nowhere' is not understood"),
    (["compare", "treatment-centre", "--scenario", "xray=2", "--cluster", "serial"],
     "'xray' is not a resource"),
    (["calibrate", str(DATA / "missing.csv"), "--base", "treatment-centre"], "no such file"),
    (["run", str(DATA / "clinic-arrivals.csv")], "a model must be a mapping"),
])  # fmt: skip
def test_user_errors_are_one_line_and_exit_2(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]


def test_the_python_example_in_the_docs_runs(capsys):
    page = (Path(__file__).parents[2] / "docs" / "hospital.md").read_text()
    (example,) = re.findall(r"```python\n(.*?)```", page, re.S)
    exec(compile(example, "docs/hospital.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "ci_low" in printed and "difference" in printed
