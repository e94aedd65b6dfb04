"""Load on a real `medtwin serve`: many sessions, three clients each, orders every few
seconds, and one abusive client; errors, message loss and latencies, printed.

Run by hand (the default is small; the issue's full run is the second line):

    .venv/bin/python benchmarks/service_load.py
    .venv/bin/python benchmarks/service_load.py --sessions 100 --clients 3 --minutes 5

A fresh server (`medtwin serve --no-demo` on a temporary SQLite file and a free
loopback port) in a subprocess; per session one instructor and `clients - 1` trainees,
each with their own account, all on the session's stream. Every `--order-every-s`
seconds (jittered, seeded) one of them gives an order over REST. The run has two
halves of equal length: calm, then with an abusive client (a process of its own, so
that its busy loops slow only the server) that floods its stream with refused orders,
sends frames of 1 MB, reconnects as a reader that never reads, and posts 1 MB bodies
(`--abuse` picks some of these). Printed per half:

- errors: refused or failed requests of the well-behaved clients and streams that
  closed on them (must be 0);
- lost: vitals seconds missing from a client's stream and acknowledged orders that
  never reached a client's stream (must be 0); waveform frames a client missed are
  counted apart (the contract lets a slow client's frames go);
- latencies, p50 and p99: order acknowledged (REST round trip), order seen on every
  stream (from sending the order), and the gap between vitals messages (1 s at speed
  1 when nothing waits);
- what the abusive client got back (413, 1009, 1008 closes, refusals);
- the CPU the server and the abusive client took (% of one core, from /proc), the load
  average at the end of the half, and the three slowest acknowledgements with their
  orders and run times (a slow first order of a drug points at work on the event loop).
Figures are measured and printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
import websockets
from sessions import process_cpu_s

PASSWORD = "correct horse battery"
ORDERS = ("fentanyl 25 mcg IV bolus", "normal saline 125 mL/h", "stop normal saline",
          "propofol 0.5 mg/kg IV bolus")  # fmt: skip
FRAME_HEADER = struct.Struct("<IIdf")  # docs/service-api.md
STALL_S = 2.0  # a vitals gap twice the 1 s of speed 1 is a stall
ORDER_GRACE_S = 5.0


@dataclass
class Half:
    """What the well-behaved clients measured in one half of the run."""

    errors: Counter = field(default_factory=Counter)
    ack_s: list[float] = field(default_factory=list)
    seen_s: list[float] = field(default_factory=list)
    vitals_gap_s: list[float] = field(default_factory=list)
    vitals_lost: int = 0
    frames_lost: int = 0
    orders_lost: int = 0
    abuse: Counter = field(default_factory=Counter)
    stalls: list = field(default_factory=list)
    slowest: list = field(default_factory=list)  # (ack s, order, run time s)
    cpu_percent: dict = field(default_factory=dict)  # process -> % of one core
    load_average: float = float("nan")


@dataclass
class Client:
    session_id: int
    token: str
    headers: dict
    events: dict[int, float] = field(default_factory=dict)  # event id -> receive time


class Run:
    def __init__(self, base: str, seconds: float) -> None:
        self.base, self.seconds = base, seconds
        self.started = time.monotonic()
        self.halves = (Half(), Half())
        self.sent: dict[tuple[int, int], float] = {}  # (session, event id) -> sent at

    def half(self) -> Half:
        return self.halves[time.monotonic() - self.started >= self.seconds / 2]

    def running(self) -> bool:
        return time.monotonic() - self.started < self.seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def account(http: httpx.AsyncClient, username: str) -> tuple[dict, str]:
    await http.post("/api/users", json={"username": username, "password": PASSWORD})
    response = await http.post("/api/login", json={"username": username, "password": PASSWORD})
    token = response.json()["token"]
    return {"Authorization": f"Bearer {token}"}, token


async def set_up(http: httpx.AsyncClient, sessions: int, clients: int) -> list[list[Client]]:
    groups = []
    for index in range(sessions):
        headers, token = await account(http, f"teacher{index}")
        body = {"title": f"load {index}", "seed": index}
        session = (await http.post("/api/sessions", json=body, headers=headers)).json()
        group = [Client(session["id"], token, headers)]
        for k in range(clients - 1):
            t_headers, t_token = await account(http, f"trainee{index}.{k}")
            await http.post("/api/sessions/join", json={"code": session["code"],
                            "role": "trainee"}, headers=t_headers)  # fmt: skip
            group.append(Client(session["id"], t_token, t_headers))
        groups.append(group)
    return groups


async def watch(run: Run, ws_base: str, client: Client) -> None:
    """Read a stream to the end of the run, counting gaps in vitals and frames."""
    url = f"{ws_base}/ws/sessions/{client.session_id}"
    try:
        async with websockets.connect(url, max_size=2**24) as ws:
            await ws.send(json.dumps({"type": "auth", "token": client.token}))
            last_vitals = last_frame_end = None
            while run.running():
                try:
                    frame = await asyncio.wait_for(ws.recv(), timeout=1.0)
                except TimeoutError:
                    continue
                now, half = time.monotonic(), run.half()
                if isinstance(frame, bytes):
                    _, n, start_s, rate_hz = FRAME_HEADER.unpack_from(frame)
                    if last_frame_end is not None and start_s - last_frame_end > 1.5 / rate_hz:
                        half.frames_lost += 1
                    last_frame_end = start_s + (n - 1) / rate_hz
                    continue
                message = json.loads(frame)
                if message["type"] == "vitals":
                    if last_vitals is not None:
                        half.vitals_lost += round(message["time_s"] - last_vitals[0]) - 1
                        half.vitals_gap_s.append(now - last_vitals[1])
                        if now - last_vitals[1] > STALL_S:
                            half.stalls.append(round(now - run.started, 1))
                    last_vitals = (message["time_s"], now)
                elif message["type"] == "event":
                    client.events[message["event"]["id"]] = now
    except Exception as error:
        run.half().errors[f"stream closed: {type(error).__name__}"] += 1


async def give_orders(run: Run, http: httpx.AsyncClient, group: list[Client], every_s: float,
                      rng: random.Random) -> None:  # fmt: skip
    await asyncio.sleep(rng.uniform(0, every_s))
    while run.running():
        client, order = rng.choice(group), rng.choice(ORDERS)
        sent = time.monotonic()
        try:
            response = await http.post(f"/api/sessions/{client.session_id}/orders",
                                       json={"order": order}, headers=client.headers)  # fmt: skip
        except httpx.HTTPError as error:
            run.half().errors[f"order: {type(error).__name__}"] += 1
            continue
        if response.status_code != 201:
            run.half().errors[f"order: {response.status_code}"] += 1
        else:
            run.sent[(client.session_id, response.json()["id"])] = sent
            run.half().ack_s.append(time.monotonic() - sent)
            run.half().slowest.append((time.monotonic() - sent, order, sent - run.started))
        await asyncio.sleep(rng.uniform(0.5, 1.5) * every_s)


ABUSES = ("flood", "frames", "slow", "bodies")


async def abuse(run: Run, http: httpx.AsyncClient, ws_base: str, abuses: list[str]) -> None:
    """From the second half on: flood, huge frames, a reader that never reads, huge
    bodies; what came back is counted."""
    headers, token = await account(http, "abuser")
    session = (await http.post("/api/sessions", json={"title": "abuse"}, headers=headers)).json()
    url = f"{ws_base}/ws/sessions/{session['id']}"
    while run.running() and run.half() is run.halves[0]:
        await asyncio.sleep(0.2)
    tally = run.halves[1].abuse

    async def flood() -> None:
        while run.running():
            with contextlib.suppress(Exception):
                async with websockets.connect(url) as ws:
                    await ws.send(json.dumps({"type": "auth", "token": token}))
                    while run.running():
                        await ws.send(json.dumps({"type": "order", "order": "unicorn tears 5 L"}))
                        tally["flood messages"] += 1
                        if tally["flood messages"] % 50 == 0:
                            await asyncio.sleep(0)  # let its own replies in

    async def huge_frames() -> None:
        while run.running():
            try:
                async with websockets.connect(url) as ws:
                    await ws.send(json.dumps({"type": "auth", "token": token}))
                    await ws.send("x" * 2**20)
                    await ws.wait_closed()
                    tally[f"1 MB frame: closed {ws.close_code}"] += 1
            except Exception as error:
                tally[f"1 MB frame: {type(error).__name__}"] += 1
            await asyncio.sleep(1.0)

    async def never_reads() -> None:
        while run.running():
            try:
                async with websockets.connect(url, max_queue=1) as ws:
                    await ws.send(json.dumps({"type": "auth", "token": token}))
                    await asyncio.sleep(10.0)
                    tally[f"never reads: closed {ws.close_code}"] += 1
            except Exception as error:
                tally[f"never reads: {type(error).__name__}"] += 1

    json_headers = {**headers, "Content-Type": "application/json"}

    async def huge_bodies() -> None:
        while run.running():
            big = b"{" + b" " * 2**20 + b"}"
            try:
                response = await http.post("/api/sessions", content=big, headers=json_headers)
                tally[f"1 MB body: {response.status_code}"] += 1
            except httpx.HTTPError as error:  # refused before it was all sent
                tally[f"1 MB body: {type(error).__name__}"] += 1
            await asyncio.sleep(0.5)

    kinds = {"flood": flood, "frames": huge_frames, "slow": never_reads, "bodies": huge_bodies}
    await asyncio.gather(*(kinds[name]() for name in abuses))


def abuse_in_own_process(base: str, seconds: float, abuses: list[str], results) -> None:
    """The abusive client in a process of its own, so that its busy loops slow only the
    server (the point) and not the clients that measure."""

    async def abuse_main() -> None:
        run = Run(base, seconds)
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            await abuse(run, http, base.replace("http://", "ws://"), abuses)
        results.put(dict(run.halves[1].abuse))

    asyncio.run(abuse_main())


def count_orders_seen(run: Run, groups: list[list[Client]]) -> None:
    """Every acknowledged order on every stream of its session: latency, or lost (an
    order sent in the last ORDER_GRACE_S, when the streams stop reading, is not counted)."""
    for (session_id, event_id), sent in run.sent.items():
        if sent - run.started > run.seconds - ORDER_GRACE_S:
            continue
        half = run.halves[sent - run.started >= run.seconds / 2]
        for client in (c for g in groups for c in g if c.session_id == session_id):
            if event_id in client.events:
                half.seen_s.append(client.events[event_id] - sent)
            else:
                half.orders_lost += 1


def percentiles_ms(values: list[float]) -> str:
    if not values:
        return "n/a"
    p50, p99 = np.percentile(np.asarray(values) * 1000, [50, 99])
    return f"p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  (n={len(values)})"


def report(run: Run, args: argparse.Namespace) -> None:
    print(f"\n{args.sessions} sessions x {args.clients} clients, {args.minutes:g} min "
          f"({args.minutes * 30:g} s calm, then as long with an abusive client)")  # fmt: skip
    for name, half in zip(("calm", "abused"), run.halves, strict=True):
        print(f"\n[{name}]")
        print(f"  errors: {sum(half.errors.values())} {dict(half.errors) or ''}")
        print(f"  lost: vitals {half.vitals_lost}, orders on streams {half.orders_lost}; "
              f"waveform frames missed {half.frames_lost}")  # fmt: skip
        print(f"  order acknowledged  {percentiles_ms(half.ack_s)}")
        print(f"  order on streams    {percentiles_ms(half.seen_s)}")
        print(f"  vitals gap          {percentiles_ms(half.vitals_gap_s)}")
        print(f"  vitals gaps over {STALL_S:g} s, at run time (s): {half.stalls[:10] or 'none'}")
        if half.abuse:
            print(f"  abusive client got: {dict(half.abuse)}")
        cpu = ", ".join(f"{name} {percent:.0f} %" for name, percent in half.cpu_percent.items())
        print(f"  CPU (% of one core): {cpu}; load average {half.load_average:.1f} "
              f"on {os.cpu_count()} cores")  # fmt: skip
        slowest = sorted(half.slowest, reverse=True)[:3]
        shown = [f"{ack * 1000:.0f} ms ({order!r} at {at:.1f} s)" for ack, order, at in slowest]
        print(f"  slowest acknowledgements: {'; '.join(shown) or 'none'}")


async def sample_cpu(run: Run, pids: dict[str, int]) -> None:
    """Each half's CPU use of the server and the abusive client, and the load average."""
    for half in run.halves:
        start = {name: process_cpu_s(pid) for name, pid in pids.items()}
        started = time.monotonic()
        while run.half() is half and run.running():
            await asyncio.sleep(0.2)
        wall_s = time.monotonic() - started
        for name, pid in pids.items():
            with contextlib.suppress(OSError):  # the abusive client may have ended
                half.cpu_percent[name] = 100 * (process_cpu_s(pid) - start[name]) / wall_s
        half.load_average = os.getloadavg()[0]


async def main(args: argparse.Namespace, base: str, server_pid: int) -> Run:
    ws_base = base.replace("http://", "ws://")
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        groups = await set_up(http, args.sessions, args.clients)
        run = Run(base, args.minutes * 60)
        rng = random.Random(args.seed)
        tasks = [watch(run, ws_base, c) for g in groups for c in g]
        tasks += [give_orders(run, http, g, args.order_every_s, random.Random(rng.random()))
                  for g in groups]  # fmt: skip
        abuser, results = None, None
        if args.abusive:
            context = multiprocessing.get_context("spawn")
            results = context.Queue()
            abuser = context.Process(
                target=abuse_in_own_process, args=(base, run.seconds, args.abuse, results)
            )
            abuser.start()
        pids = {"server": server_pid, **({"abusive client": abuser.pid} if abuser else {})}
        await asyncio.gather(*tasks, sample_cpu(run, pids))
        if abuser is not None:
            run.halves[1].abuse.update(await asyncio.to_thread(results.get, True, 60))
            abuser.join(timeout=30)
    await asyncio.sleep(0)
    count_orders_seen(run, groups)
    return run


def serve(folder: Path, port: int) -> subprocess.Popen:
    medtwin = Path(sys.executable).with_name("medtwin")
    command = [str(medtwin), "serve", "--no-demo", "--port", str(port),
               "--database", f"sqlite:///{folder / 'load.db'}"]  # fmt: skip
    env = {**os.environ, "MEDTWIN_KEY_FILE": str(folder / "token.key")}
    log = (folder / "serve.log").open("wb")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)


def wait_ready(base: str, server: subprocess.Popen) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit("error: the server exited at start")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base}/api/config").status_code == 200:
                return
        time.sleep(0.1)
    raise SystemExit("error: the server did not start within 60 s")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--clients", type=int, default=3, help="per session, instructor included")
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--order-every-s", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-abusive", dest="abusive", action="store_false")
    parser.add_argument("--abuse", type=lambda text: text.split(","), default=list(ABUSES),
                        help=f"what the abusive client does, of {','.join(ABUSES)}")  # fmt: skip
    args = parser.parse_args()
    if not set(args.abuse) <= set(ABUSES):
        parser.error(f"--abuse {','.join(args.abuse)}: choose among {','.join(ABUSES)}")
    if args.sessions < 1 or args.clients < 1 or args.minutes <= 0 or args.order_every_s <= 0:
        parser.error("--sessions and --clients must be >= 1, --minutes and --order-every-s > 0")
    return args


if __name__ == "__main__":
    arguments = parse()
    folder, port = Path(tempfile.mkdtemp(prefix="medtwin-load-")), free_port()
    server = serve(folder, port)
    try:
        address = f"http://127.0.0.1:{port}"
        wait_ready(address, server)
        report(asyncio.run(main(arguments, address, server.pid)), arguments)
    finally:
        server.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=10)
        server.kill()
        shutil.rmtree(folder, ignore_errors=True)
