"""The `medtwin` command line: simulate, validate, patients, and the errors a user can cause."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from medtwin import load_patient
from medtwin.cli import app
from medtwin.physiology.layout import DEVICE_SIGNALS
from medtwin.twin import SIGNAL_NAMES
from medtwin.validation import targets_for

DURATION_S = 120
RATE_HZ = 125
PIPE_WIDTH = {"COLUMNS": "80"}
"""The terminal width rich assumes when output goes to a pipe or a file."""


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env=PIPE_WIDTH)


def simulate(folder: Path, *extra: str, name: str = "a"):
    return invoke(
        "simulate", "--duration", str(DURATION_S), "--out", str(folder / f"{name}.csv"), *extra
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    """One full `simulate` run with a trend CSV, a plot and waveforms."""
    folder = tmp_path_factory.mktemp("simulate")
    result = simulate(folder, "--plot", str(folder / "a.png"), "--waveforms", str(folder / "w.csv"))
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    return folder


def test_simulate_writes_the_trend_csv(run):
    """`time_s`, then every signal by its signals.csv name; one row per simulated second."""
    trends = pd.read_csv(run / "a.csv")
    assert list(trends.columns) == ["time_s", "rhythm", *SIGNAL_NAMES]
    assert set(trends["rhythm"]) == {"sinus"}
    assert len(trends) == DURATION_S
    assert trends["time_s"].tolist() == [float(t) for t in range(1, DURATION_S + 1)]
    # every cell filled, but what only a ventilator measures: empty without one
    assert trends.drop(columns=list(DEVICE_SIGNALS)).notna().all().all()
    assert trends[list(DEVICE_SIGNALS)].isna().all().all()


def test_simulate_writes_the_plot(run):
    png = run / "a.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000  # a figure with curves, not an empty canvas


def test_simulate_writes_the_whole_run_of_waveforms(run):
    waves = pd.read_csv(run / "w.csv")
    assert list(waves.columns) == [
        "time_s", "ecg_ii", "arterial_pressure", "central_venous_pressure", "pleth", "co2",
        "airway_flow", "airway_pressure", "lung_volume", "ecg_i", "ecg_iii", "ecg_avr",
        "ecg_avl", "ecg_avf", "ecg_v1", "ecg_v5",
    ]  # fmt: skip
    assert len(waves) == pytest.approx(DURATION_S * RATE_HZ, abs=2)
    assert waves["time_s"].iloc[-1] == pytest.approx(DURATION_S, abs=1 / RATE_HZ)


def test_simulate_is_deterministic(run, tmp_path):
    """The same command (default --seed) writes a byte-identical trend CSV."""
    result = simulate(tmp_path, name="b")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "b.csv").read_bytes() == (run / "a.csv").read_bytes()


def test_a_different_seed_changes_the_run(run, tmp_path):
    result = simulate(tmp_path, "--seed", "5", name="c")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c.csv").read_bytes() != (run / "a.csv").read_bytes()


def _assert_user_error(result, *words: str) -> None:
    """Exit code 2, a message naming what was wrong, and never a traceback."""
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_unknown_patient_is_a_user_error(tmp_path):
    result = simulate(tmp_path, "--patient", "nobody")
    _assert_user_error(result, "unknown patient", "nobody")
    assert not (tmp_path / "a.csv").exists()


def test_negative_duration_is_a_user_error(tmp_path):
    result = invoke("simulate", "--duration", "-5", "--out", str(tmp_path / "x.csv"))
    _assert_user_error(result, "--duration")


def test_missing_output_folder_is_a_user_error():
    result = invoke("simulate", "--duration", "5", "--out", "/nonexistent/dir/x.csv")
    _assert_user_error(result, "--out", "/nonexistent/dir")


def test_patients_lists_the_named_patients():
    """Both names appear whole, at the 80 columns a pipe gets, so they can be copied."""
    result = invoke("patients")
    assert result.exit_code == 0, result.output
    assert "standard-male" in result.output
    assert "standard-female" in result.output


def _verdicts(report: str) -> dict[str, str]:
    """Target key -> verdict shown in the HTML report's table."""
    pattern = re.compile(r"<code>([^<]+)</code>.*?<td class=\"verdict (\w+)\">\2</td>", re.S)
    return {key: verdict for key, verdict in pattern.findall(report)}


def test_validate_writes_the_report_and_exit_code_reflects_grading(tmp_path):
    """Exit 0 when every target is good (tests/data/reference/README.md, "Grading"); an
    override that breaks one row makes it exit 1."""
    report = tmp_path / "r.html"
    result = invoke("validate", "--patient", "standard-male", "--report", str(report))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    verdicts = _verdicts(report.read_text(encoding="utf-8"))
    expected = [t.key for t in targets_for(load_patient("standard-male"))]
    assert list(verdicts) == expected
    assert set(verdicts.values()) == {"good"}
    anaemic = tmp_path / "anaemic.yaml"
    anaemic.write_text(
        "name: anaemic\nsex: male\nage_years: 44\nheight_cm: 180\nweight_kg: 77\n"
        "conditions: {anaemia: 1.0}\n",
        encoding="utf-8",
    )
    assert invoke("validate", "--patient", str(anaemic)).exit_code == 1


# --- timed orders -------------------------------------------------------------------


def test_simulate_gives_timed_orders_and_writes_the_event_log(tmp_path):
    """--action gives orders at their times; the event log lists them, in order."""
    result = simulate(
        tmp_path,
        "--action", "30s: haemorrhage 200 mL/min",
        "--action", "90s: stop haemorrhage",
        "--events", str(tmp_path / "events.jsonl"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "events.jsonl").read_text().splitlines()
    assert [line.split('"order": ')[1].split('"')[1] for line in lines] == [
        "haemorrhage 200 mL/min",
        "stop haemorrhage",
    ]
    trend = pd.read_csv(tmp_path / "a.csv")
    lost = trend["blood_volume"].iloc[25] - trend["blood_volume"].iloc[95]
    assert lost == pytest.approx(200.0, abs=25.0)  # 60 s at 200 mL/min, less refill


def test_simulate_reads_an_actions_file(tmp_path):
    """An actions file is a YAML list of timed orders."""
    actions = tmp_path / "actions.yaml"
    actions.write_text(
        '- "10s: propofol 2 mg/kg IV bolus"\n- {at: 60, order: "stop haemorrhage"}\n'
    )
    result = simulate(tmp_path, "--actions", str(actions))
    assert result.exit_code == 0, result.output
    assert "propofol 2 mg/kg IV bolus" in result.output
    trend = pd.read_csv(tmp_path / "a.csv")
    assert trend["consciousness_index"].min() < 60


@pytest.mark.parametrize(
    ("order", "named"),
    [
        ("30s: fentanyl 50 g IV bolus", "fentanyl"),
        ("30s: unobtainium 1 mg IV bolus", "unobtainium"),
        ("30s: propofol -2 mg/kg IV bolus", "dose"),
        ("500s: stop haemorrhage", "after the end of the run"),
    ],
)
def test_bad_orders_are_refused_before_the_run(tmp_path, order, named):
    """A bad order exits with code 2 and a one-line message naming it; nothing is run."""
    result = simulate(tmp_path, "--action", order)
    assert result.exit_code == 2
    assert named in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "a.csv").exists()


def test_drugs_lists_the_library_with_sources():
    result = invoke("drugs")
    assert result.exit_code == 0, result.output
    for name in ("propofol", "remifentanil", "rocuronium", "naloxone", "cefazolin"):
        assert name in result.output
    assert "Schnider" in result.output
