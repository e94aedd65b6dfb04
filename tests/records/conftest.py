"""Shared fixtures of the records tests: the copied data files (tests/data/records) and
a real Mosquitto broker on a free port (Debian's `mosquitto`, installed by scripts/setup)."""

import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest

DATA = Path(__file__).parent.parent / "data" / "records"


@pytest.fixture(scope="session")
def martina_twin_document():
    """Martina Murazik's twin (COPD, heart failure; 2019 Synthea set), built once."""
    from medtwin.assimilation.from_record import twin_from_fhir

    return twin_from_fhir(DATA / "martina_murazik.json")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def mosquitto(tmp_path_factory):
    """(host, port) of a Mosquitto broker started for the session and stopped after it.

    Mosquitto 2 needs an explicit listener and `allow_anonymous true` for anonymous local
    clients (shared INTEROP.md, section 1). Its log goes to stderr, which it does not
    buffer; the fixture waits for the "running" line, not for a time."""
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    assert Path(binary).exists(), "mosquitto is not installed: run scripts/setup as root"
    port = _free_port()
    config = tmp_path_factory.mktemp("mosquitto") / "mosquitto.conf"
    config.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        "log_dest stderr\nlog_type error\nlog_type warning\nlog_type information\n"
    )
    broker = subprocess.Popen(
        [binary, "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines = []
    for line in broker.stdout:
        lines.append(line)
        if " running" in line:
            break
    assert broker.poll() is None, "mosquitto did not start:\n" + "".join(lines)
    # keep reading its log, so that a full pipe never blocks the broker
    threading.Thread(target=broker.stdout.read, daemon=True).start()
    yield "127.0.0.1", port
    broker.terminate()
    broker.wait(timeout=10)
