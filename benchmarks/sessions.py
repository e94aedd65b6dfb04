"""Concurrent live sessions one service process sustains in real time, measured and printed.

Run by hand:

    .venv/bin/python benchmarks/sessions.py
    .venv/bin/python benchmarks/sessions.py --sessions 10,50,100,150 --seconds 20
    .venv/bin/python benchmarks/sessions.py --client-processes 2   # if the clients saturate

For each session count N: a fresh service (`create_app` on a temporary SQLite file,
uvicorn on a free loopback port) in a subprocess; one instructor and a small pool of
trainees registered over the REST API; N sessions (standard-male), two trainees joined
to each; three WebSocket clients per session (instructor + 2 trainees), all in this
process's event loop (or split by session over `--client-processes`). After a warm-up
the clients record, for `--seconds`:

- waveform delivery latency: receive time minus the time the frame's last sample was
  due, `origin + start_time_s + n / rate_hz`, with each session's origin the best
  (smallest) receive-minus-simulated-time seen during the warm-up. It is relative to
  the best observed delivery: queueing and jitter delay, not absolute network latency;
- the real-time factor: simulated time advanced / wall time, from the vitals messages;
- the gaps between vitals messages, and waveform frames lost (gaps in start_time_s);
- the CPU use of the server process (/proc/<pid>/stat), of the clients, and of the
  whole machine, to tell which side is saturated.

Speed is measured and printed, never asserted. Only loopback addresses are used; the
server and the temporary directory are removed on exit, Ctrl-C included.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import httpx
import numpy as np
from engine import machine_cpu_s, machine_table
from rich.console import Console
from rich.table import Table
from websockets.asyncio.client import connect

HOST = "127.0.0.1"  # loopback only, by design
FRAME_HEADER = struct.Struct("<IIdf")  # the contract's waveform frame header
CLIENTS_PER_SESSION = 3
TRAINEE_POOL = 10
"""Trainees registered per run: scrypt makes each registration slow, and who the
trainee is does not change the stream, so the pool's members join many sessions."""
PASSWORD = "benchmark-password"
REAL_TIME_FACTOR_MIN = 0.98
LATENCY_P99_MAX_MS = 100.0
SERVER_SCRIPT = """
import sys, uvicorn
from medtwin.service.app import create_app
from medtwin.service.quotas import Quotas
# one benchmark instructor runs every session: lift the per-user quotas
quotas = Quotas(sessions_per_user=10_000, streams_per_user=10_000,
                stream_connect_burst=10_000, stream_refusals_per_min=10_000)
uvicorn.run(create_app(sys.argv[1], quotas=quotas), host=sys.argv[2], port=int(sys.argv[3]),
            log_level="warning")
"""


# --- the server ----------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of process `pid` (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of stat(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


class Server:
    """The service in a subprocess on a fresh SQLite file; stopped on exit."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log_path = directory / "server.log"
        database = f"sqlite:///{directory}/bench.db"
        command = [sys.executable, "-c", SERVER_SCRIPT, database, HOST, str(self.port)]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout_s: float = 120.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited:\n{self.log_path.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"{self.url}/api/sessions", timeout=1.0)
                return
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within {timeout_s:g} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # uvicorn shuts down gracefully
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- setting up sessions over the REST API -------------------------------------------
@dataclass(frozen=True)
class SessionPlan:
    """One session and the tokens of its three clients (instructor first)."""

    id: int
    tokens: tuple[str, ...]


async def register(http: httpx.AsyncClient, username: str) -> str:
    """A new user's bearer token."""
    credentials = {"username": username, "password": PASSWORD}
    (await http.post("/api/users", json=credentials)).raise_for_status()
    response = await http.post("/api/login", json=credentials)
    response.raise_for_status()
    return response.json()["token"]


async def prepare_sessions(base_url: str, n: int) -> list[SessionPlan]:
    """Register the users, create `n` sessions and join two trainees to each."""
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0) as http:
        instructor = await register(http, "instructor")
        pool_size = min(2 * n, TRAINEE_POOL)
        trainees = [await register(http, f"trainee{i}") for i in range(pool_size)]
        limit = asyncio.Semaphore(8)

        async def one(index: int) -> SessionPlan:
            async with limit:
                head = {"Authorization": f"Bearer {instructor}"}
                body = {"title": f"bench {index}", "patient": "standard-male", "seed": index}
                response = await http.post("/api/sessions", json=body, headers=head)
                response.raise_for_status()
                session = response.json()
                tokens = [trainees[(2 * index + k) % pool_size] for k in range(2)]
                for token in tokens:
                    join = {"code": session["code"], "role": "trainee"}
                    head = {"Authorization": f"Bearer {token}"}
                    (
                        await http.post("/api/sessions/join", json=join, headers=head)
                    ).raise_for_status()
                return SessionPlan(session["id"], (instructor, *tokens))

        return list(await asyncio.gather(*(one(i) for i in range(n))))


# --- the clients ---------------------------------------------------------------------
@dataclass(frozen=True)
class Window:
    """Monotonic times (shared by every process on the machine) of the measurement."""

    warmup_start: float
    start: float
    end: float


@dataclass
class ClientTrace:
    """What one client received: (receive time, start_time_s, samples, rate) per frame,
    (receive time, time_s) per vitals message, and whether the server closed it."""

    frames: list[tuple[float, float, int, float]] = field(default_factory=list)
    vitals: list[tuple[float, float]] = field(default_factory=list)
    closed_early: bool = False


@dataclass(frozen=True)
class SessionFigures:
    """One session's measurements over the window, ready to pool."""

    latencies_ms: np.ndarray
    real_time_factor: float
    vitals_gaps_ms: np.ndarray
    frames_lost: int
    frames_received: int
    clients_closed: int


async def watch(url: str, token: str, trace: ClientTrace, window: Window, deflate: bool) -> None:
    """Receive one client's stream until the window ends."""
    compression = "deflate" if deflate else None
    async with connect(url, compression=compression, open_timeout=60, max_size=2**24) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        async for message in ws:
            received = time.monotonic()
            if isinstance(message, bytes):
                _, n, start_s, rate_hz = FRAME_HEADER.unpack_from(message)
                trace.frames.append((received, start_s, n, rate_hz))
            else:
                decoded = json.loads(message)
                if decoded.get("type") == "vitals":
                    trace.vitals.append((received, decoded["time_s"]))
            if received >= window.end:
                return
        trace.closed_early = True


def session_figures(traces: list[ClientTrace], window: Window) -> SessionFigures:
    """Latency, real-time factor, vitals gaps and lost frames of one session's clients."""
    frames = [f for trace in traces for f in trace.frames]
    warm = [recv - (start + n / rate) for recv, start, n, rate in frames if recv < window.start]
    origin = min(warm) if warm else float("nan")
    latencies = [
        recv - origin - (start + n / rate)
        for recv, start, n, rate in frames
        if window.start <= recv < window.end
    ]
    lost = received = 0
    gaps: list[float] = []
    for trace in traces:
        in_window = [f for f in trace.frames if window.start <= f[0] < window.end]
        received += len(in_window)
        lost += frames_lost(in_window)
        times = [recv for recv, _ in trace.vitals if window.start <= recv < window.end]
        gaps.extend(np.diff(times) * 1000.0)
    return SessionFigures(
        latencies_ms=np.asarray(latencies) * 1000.0,
        real_time_factor=real_time_factor([v for t in traces for v in t.vitals], window),
        vitals_gaps_ms=np.asarray(gaps),
        frames_lost=lost,
        frames_received=received,
        clients_closed=sum(trace.closed_early for trace in traces),
    )


def frames_lost(frames: list[tuple[float, float, int, float]]) -> int:
    """Frames missing between consecutive frames: gaps in start_time_s, in whole frames."""
    if len(frames) < 2:
        return 0
    mean_samples = np.mean([n for _, _, n, _ in frames])
    lost = 0
    for (_, start, n, rate), (_, following, _, _) in itertools.pairwise(frames):
        missing_samples = (following - (start + n / rate)) * rate
        if missing_samples > 0.5:
            lost += max(1, round(missing_samples / mean_samples))
    return lost


def real_time_factor(vitals: list[tuple[float, float]], window: Window) -> float:
    """Simulated seconds per wall second: the least-squares slope of the vitals messages'
    time_s against their receive times in the window (a single pair would carry up to a
    tick, 0.125 s, of jitter at each end)."""
    inside = np.array([(recv, t) for recv, t in vitals if window.start <= recv < window.end])
    if len(inside) < 3:
        return 0.0
    return float(np.polyfit(inside[:, 0], inside[:, 1], 1)[0])


async def run_clients(
    url: str, plans: list[SessionPlan], window: Window, deflate: bool
) -> tuple[list[SessionFigures], float, int]:
    """Every client of `plans` in this event loop: figures, our CPU s in the window and
    the number of clients connected before the warm-up began."""
    traces = [[ClientTrace() for _ in plan.tokens] for plan in plans]
    tasks = []
    for plan, session_traces in zip(plans, traces, strict=True):
        for token, trace in zip(plan.tokens, session_traces, strict=True):
            ws_url = f"{url}/ws/sessions/{plan.id}"
            tasks.append(asyncio.create_task(watch(ws_url, token, trace, window, deflate)))
            await asyncio.sleep(0.002)  # staggered: a burst of handshakes is not the test
    await asyncio.sleep(max(window.start - time.monotonic(), 0.0))
    cpu_start = time.process_time()
    on_time = sum(bool(trace.frames) for session in traces for trace in session)
    await asyncio.sleep(max(window.end - time.monotonic(), 0.0))
    cpu_s = time.process_time() - cpu_start
    done, pending = await asyncio.wait(tasks, timeout=10.0)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception() is not None:
            raise task.exception()
    return [session_figures(t, window) for t in traces], cpu_s, on_time


def client_process(url: str, plans: list[SessionPlan], window: Window, deflate: bool):
    """`run_clients` in a client process of its own."""
    return asyncio.run(run_clients(url, plans, window, deflate))


# --- one measurement -----------------------------------------------------------------
@dataclass(frozen=True)
class Result:
    sessions: int
    clients: int
    clients_on_time: int
    server_cpu_percent: float
    client_cpu_percent: float
    machine_busy_cores: float
    figures: list[SessionFigures]

    @property
    def others_busy_cores(self) -> float:
        """Cores kept busy by everyone but the server and the clients, steal included."""
        ours = (self.server_cpu_percent + self.client_cpu_percent) / 100.0
        return max(self.machine_busy_cores - ours, 0.0)

    @property
    def real_time_factor_min(self) -> float:
        return min(f.real_time_factor for f in self.figures)

    @property
    def latencies_ms(self) -> np.ndarray:
        return np.concatenate([f.latencies_ms for f in self.figures])

    @property
    def p99_ms(self) -> float:
        latencies = self.latencies_ms
        return float(np.percentile(latencies, 99)) if latencies.size else float("inf")

    @property
    def sustained(self) -> bool:
        return (
            self.clients_on_time == self.clients
            and self.real_time_factor_min >= REAL_TIME_FACTOR_MIN
            and self.p99_ms < LATENCY_P99_MAX_MS
            and not any(f.clients_closed for f in self.figures)
        )


async def measure(
    server: Server, n: int, args: argparse.Namespace, pool: ProcessPoolExecutor | None
) -> Result:
    """Set up `n` sessions, connect their clients, and measure one window."""
    plans = await prepare_sessions(server.url, n)
    ws_url = f"ws://{HOST}:{server.port}"
    connect_s = 3.0 + 0.01 * n * CLIENTS_PER_SESSION
    now = time.monotonic()
    window = Window(
        now, now + connect_s + args.warmup, now + connect_s + args.warmup + args.seconds
    )
    if pool is None:
        runs = [asyncio.create_task(run_clients(ws_url, plans, window, args.deflate))]
    else:
        loop = asyncio.get_running_loop()
        shares = [plans[i :: args.client_processes] for i in range(args.client_processes)]
        runs = [
            loop.run_in_executor(pool, client_process, ws_url, share, window, args.deflate)
            for share in shares
        ]
    await asyncio.sleep(max(window.start - time.monotonic(), 0.0))
    server_start, machine_start = process_cpu_s(server.pid), machine_cpu_s()
    await asyncio.sleep(max(window.end - time.monotonic(), 0.0))
    server_cpu = process_cpu_s(server.pid) - server_start
    machine_cpu = machine_cpu_s() - machine_start
    outcomes = await asyncio.gather(*runs)
    return Result(
        sessions=n,
        clients=n * CLIENTS_PER_SESSION,
        clients_on_time=sum(on_time for _, _, on_time in outcomes),
        server_cpu_percent=100.0 * server_cpu / args.seconds,
        client_cpu_percent=100.0 * sum(cpu for _, cpu, _ in outcomes) / args.seconds,
        machine_busy_cores=machine_cpu / args.seconds,
        figures=[f for figures, _, _ in outcomes for f in figures],
    )


def run_one(n: int, args: argparse.Namespace, pool: ProcessPoolExecutor | None) -> Result:
    """A fresh server and temporary directory for `n` sessions; both removed after."""
    directory = Path(tempfile.mkdtemp(prefix="medtwin-sessions-bench-"))
    server = Server(directory)
    try:
        server.wait_ready()
        return asyncio.run(measure(server, n, args, pool))
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


# --- output --------------------------------------------------------------------------
def percentile(values: np.ndarray, q: float) -> float:
    return float(np.percentile(values, q)) if values.size else float("nan")


def results_table(results: list[Result], args: argparse.Namespace) -> Table:
    deflate = "permessage-deflate on" if args.deflate else "no compression"
    table = Table(
        title=f"Live sessions, 3 clients each, {args.seconds:g} s window after "
        f"{args.warmup:g} s warm-up ({deflate}, {args.client_processes} client process(es))"
    )
    columns = ("sessions", "clients", "server CPU %", "client CPU %", "others' cores",
               "real-time factor (min)", "latency p50 ms", "p99 ms", "max ms",
               "vitals gap p99 ms", "frames lost / received", "clients closed",
               "sustained")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="right")
    for result in results:
        latencies = result.latencies_ms
        gaps = np.concatenate([f.vitals_gaps_ms for f in result.figures])
        lost = sum(f.frames_lost for f in result.figures)
        received = sum(f.frames_received for f in result.figures)
        closed = sum(f.clients_closed for f in result.figures)
        connected = f"{result.clients}"
        if result.clients_on_time < result.clients:
            connected += f" ({result.clients_on_time} in time)"
        table.add_row(
            f"{result.sessions}",
            connected,
            f"{result.server_cpu_percent:.0f}",
            f"{result.client_cpu_percent:.0f}",
            f"{result.others_busy_cores:.2f}",
            f"{result.real_time_factor_min:.3f}",
            f"{percentile(latencies, 50):.1f}",
            f"{percentile(latencies, 99):.1f}",
            f"{latencies.max() if latencies.size else float('nan'):.1f}",
            f"{percentile(gaps, 99):.0f}",
            f"{lost} / {received}",
            f"{closed}",
            "yes" if result.sustained else "no",
        )
    return table


def notes() -> str:
    return (
        "Latency is receive time minus the time a frame's last sample was due, relative to "
        "each session's best delivery in the warm-up: queueing and jitter delay, not absolute "
        "network latency. CPU % is of one core (100 = one core busy); others' cores: every "
        "other process and hypervisor steal (/proc/stat). Real-time factor: least-squares "
        "slope of the vitals' time_s against their receive times, minimum over sessions."
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="10,25,50,100,150",
                        help="comma-separated session counts, each on a fresh server")  # fmt: skip
    parser.add_argument("--seconds", type=float, default=20.0, help="measured window (s)")
    parser.add_argument("--warmup", type=float, default=5.0, help="warm-up before it (s)")
    parser.add_argument("--client-processes", type=int, default=1, choices=(1, 2, 3, 4),
                        help="split the clients by session over this many processes")  # fmt: skip
    parser.add_argument("--deflate", action=argparse.BooleanOptionalAction, default=True,
                        help="offer permessage-deflate, as browsers do")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        args.session_counts = [int(n) for n in args.sessions.split(",") if n.strip()]
    except ValueError:
        parser.error(f"--sessions {args.sessions!r}: expected comma-separated integers")
    if not args.session_counts or min(args.session_counts) < 1 or max(args.session_counts) > 1000:
        parser.error(f"--sessions {args.sessions!r}: each count must be 1–1000")
    if not 1.0 <= args.seconds <= 600.0 or not 1.0 <= args.warmup <= 120.0:
        parser.error("--seconds must be 1–600 and --warmup 1–120")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    console = Console(width=max(Console().width, 150))
    console.print(machine_table())
    pool = None
    if args.client_processes > 1:
        pool = ProcessPoolExecutor(args.client_processes, mp_context=get_context("spawn"))
    results: list[Result] = []
    try:
        for n in args.session_counts:
            with console.status(f"{n} sessions, {n * CLIENTS_PER_SESSION} clients"):
                results.append(run_one(n, args, pool))
            console.print(
                f"{n} sessions: p99 {results[-1].p99_ms:.1f} ms, real-time factor "
                f"{results[-1].real_time_factor_min:.3f}"
            )
    except KeyboardInterrupt:
        console.print("interrupted: server stopped, temporary files removed")
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if not results:
        return
    console.print(results_table(results, args))
    console.print(notes())
    sustained = [r.sessions for r in results if r.sustained]
    criterion = (
        f"real time (factor >= {REAL_TIME_FACTOR_MIN}) and waveform p99 < "
        f"{LATENCY_P99_MAX_MS:g} ms, every client connected and kept"
    )
    if sustained:
        console.print(f"Largest measured session count meeting {criterion}: {max(sustained)}")
    else:
        console.print(f"No measured session count met {criterion}.")


if __name__ == "__main__":
    main()
