"""The live loop: reordering, refusals with reasons, coasting, failures, the CLI."""

import csv
import json
import re
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import paho.mqtt.publish as publish
import pytest
from typer.testing import CliRunner

from medtwin import Patient
from medtwin.assimilation.enkf import EnsembleKalmanFilter
from medtwin.assimilation.live import LiveSync
from medtwin.cli import app
from medtwin.interop import Measurement
from medtwin.interop.mllp import END_BLOCK, frame

from .conftest import DATA

PATIENT = Patient(name="live", sex="male", age_years=50, height_cm=178, weight_kg=80)
T0 = datetime(2024, 1, 1, tzinfo=UTC)


class FakeClock:
    """The loop's clock, moved by the test."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def at(self, seconds: float) -> None:
        self.now = T0 + timedelta(seconds=seconds)


def _sync(seed: int = 3, hold_s: float = 2.0, start=T0) -> tuple[LiveSync, FakeClock]:
    clock = FakeClock(T0)
    estimator = EnsembleKalmanFilter(members=4, seed=seed).fit(PATIENT, start=start)
    return LiveSync(estimator, clock=clock, hold_s=hold_s), clock


def _hr(value: float, seconds: float) -> Measurement:
    return Measurement("heart_rate", value, T0 + timedelta(seconds=seconds), f"hr@{seconds:g}")


def test_out_of_order_values_within_the_hold_reach_the_estimator_in_time_order():
    sync, clock = _sync()
    sync.submit([_hr(72, 3), _hr(70, 1), _hr(71, 2)])
    clock.at(3.5)  # due: up to 1.5 s
    first = sync.step()
    assert [d.measurement.source for d in first.decisions] == ["hr@1"]
    assert sync.pending == 2
    clock.at(5.0)
    second = sync.step()
    assert [d.measurement.source for d in second.decisions] == ["hr@2", "hr@3"]
    assert all(d.accepted for d in first.decisions + second.decisions)
    assert second.estimate["time"] == (T0 + timedelta(seconds=3)).isoformat()


def test_shuffled_arrivals_give_the_same_estimate_bit_for_bit():
    def run(order):
        sync, clock = _sync(seed=5)
        values = [_hr(70 + k % 3, k) for k in range(1, 9)]
        sync.submit(values[i] for i in order)
        clock.at(11.0)
        return sync.step().estimate

    in_order = run(range(8))
    assert run([3, 0, 7, 1, 6, 2, 5, 4]) == in_order
    assert in_order["vitals"]["heart_rate"]["sd"] > 0


def test_bad_values_are_refused_with_their_reasons_and_the_loop_goes_on():
    sync, clock = _sync()
    clock.at(200.0)
    sync.submit(
        [
            _hr(70, 190),
            _hr(70, 190),  # delivered twice
            _hr(float("nan"), 191),
            _hr(0.0, 192),
            _hr(70, 260),  # a device clock a minute fast
            _hr(70, 10),  # 190 s before the clock, window 120 s
        ]
    )
    report = sync.step()
    reasons = sorted((d.reason or "accepted").split(":")[0] for d in report.decisions)
    assert reasons == ["accepted", "duplicate", "future", "implausible", "late", "missing (NaN)"]
    late = next(d for d in report.decisions if d.reason.startswith("late"))
    assert late.reason == "late: 190 s before the clock (window 120 s)"
    assert sync.counts == {
        "accepted": 1,
        "duplicate": 1,
        "future": 1,
        "implausible": 1,
        "late": 1,
        "missing (NaN)": 1,
    }
    sync.submit([_hr(71, 195)])
    clock.at(201.0)
    assert sync.step().decisions[0].accepted


def test_without_data_the_estimate_coasts_to_the_present():
    sync, clock = _sync(hold_s=2.0, start=None)  # the first observation sets the present
    assert sync.step().estimate is None
    sync.submit([_hr(70, 1)])
    clock.at(3.0)
    sync.step()
    clock.at(40.0)
    report = sync.step()
    assert report.decisions == ()
    assert report.estimate["time"] == (T0 + timedelta(seconds=38)).isoformat()


def test_a_failure_while_assimilating_costs_those_values_not_the_loop(monkeypatch):
    sync, clock = _sync()

    def broken(measurements):
        raise RuntimeError("numerical trouble")

    monkeypatch.setattr(sync.estimator, "update", broken)
    sync.submit([_hr(70, 1)])
    clock.at(5.0)
    failed = sync.step()
    assert failed.decisions[0].reason == "error: RuntimeError: numerical trouble"
    monkeypatch.undo()
    sync.submit([_hr(70, 4)])
    clock.at(7.0)
    assert sync.step().decisions[0].accepted


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["standard-male"], "give --mllp host:port, --mqtt host:port or both"),
        (["standard-male", "--mllp", "localhost"], "--mllp 'localhost' must be host:port"),
        (["standard-male", "--mqtt", "h:99999"], "with a port of 0-65535"),
        (["standard-male", "--mllp", "h:1", "--twin-id", "a/b"], "twin id 'a/b'"),
        (["standard-male", "--mllp", "h:1", "--members", "1"], "--members 1 must be at least 2"),
        (["standard-male", "--mllp", "h:1", "--hold", "-1"], "--hold -1.0 must be"),
        (["nobody-at-all", "--mllp", "h:1"], "nobody-at-all"),
    ],
)
def test_listen_refuses_bad_options_in_one_line(arguments, expected):
    result = CliRunner().invoke(app, ["listen", *arguments])
    assert result.exit_code == 2
    assert "error:" in result.output and expected in result.output
    assert "Traceback" not in result.output


def test_listen_end_to_end_over_mllp_and_mqtt(mosquitto, tmp_path):
    host, port = mosquitto
    out = tmp_path / "estimates.csv"
    command = [sys.executable, "-m", "medtwin.cli", "listen", "standard-male"]
    options = ["--mllp", "127.0.0.1:0", "--mqtt", f"{host}:{port}", "--twin-id", "bed-3"]
    options += ["--members", "4", "--hold", "0", "--every", "0.05", "--stop-after", "4"]
    process = subprocess.Popen(
        [*command, *options, "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        ready = process.stdout.readline()
        mllp_port = int(re.search(r"MLLP 127\.0\.0\.1:(\d+)", ready).group(1))
        now = datetime.now(UTC)
        message = (DATA / "nist_pcd01_oru_r01.hl7").read_text().replace("\n", "\r")
        message = message.replace("20180115171714-0500", now.strftime("%Y%m%d%H%M%S+0000"))
        with socket.create_connection(("127.0.0.1", mllp_port)) as client:
            client.sendall(frame(message))
            ack = b""
            while not ack.endswith(END_BLOCK):
                ack += client.recv(4096)
        payload = {"signal": "spo2", "value": 95, "unit": "%", "time": now.isoformat()}
        publish.single("medtwin/twins/bed-3/observations", json.dumps(payload), qos=1, port=port)
        output = ready + process.communicate(timeout=60)[0]
    finally:
        process.kill()
    assert process.returncode == 0, output
    assert b"MSA|AA|375" in ack
    assert "observations: accepted 4" in output
    assert "ignored 1 x OBX 149522 MDC_BLD_PULS_RATE_INV" in output
    rows = list(csv.DictReader(out.open()))
    assert rows and {"heart_rate_mean", "heart_rate_sd", "spo2_mean"} <= set(rows[0])
    assert 50 < float(rows[-1]["mean_arterial_pressure_mean"]) < 120


def test_the_python_example_of_the_docs_runs(monkeypatch, capsys):
    docs = (Path(__file__).parents[2] / "docs" / "records.md").read_text()
    after = docs.index("In Python, the same pieces:")
    start = docs.index("```python\n", after) + len("```python\n")
    example = docs[start : docs.index("```", start)]
    monkeypatch.chdir(Path(__file__).parents[2])
    namespace: dict = {}
    exec(compile(example, "docs/records.md", "exec"), namespace)
    # the 2018 NIST values and the example's payload, on the real clock: all too late
    reasons = [d.reason for d in namespace["report"].decisions]
    assert len(reasons) == 4 and all(r.startswith("late:") for r in reasons)
    assert "('systolic_bp', 108.0)" in capsys.readouterr().out


def test_listen_reports_a_broker_that_is_not_there_in_one_line():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    arguments = ["listen", "standard-male", "--mqtt", f"127.0.0.1:{port}", "--members", "2"]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 2
    assert f"error: MQTT broker 127.0.0.1:{port}:" in result.output
    assert "Traceback" not in result.output
