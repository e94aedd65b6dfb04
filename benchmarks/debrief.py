"""How long the debrief of a long case session takes to open, measured and printed.

A case session (`--case`, default the deteriorating ward patient: 75 min long) with two
trainees runs `--minutes` of simulated time at 60x on a manual clock (so that the
run itself costs only its computing), with a trainee's order every 5 minutes, a
12-lead ECG every 15 minutes and a call-out every minute; then the instructor ends it
and a trainee opens the debrief: the JSON of the whole session (every event, the whole
1 Hz trend, the scored run, the 12-lead recordings), then the HTML report, the xAPI
statements and 10 s of replayed waveforms from the middle of the session. Each request
is timed on the service's own app (an in-process test client on a temporary SQLite
file). Then (unless `--no-browser`) the same database is served by a real server
(`sessions.Server`) and Debian's chromium, driven by Playwright, logs the trainee in and
clicks the session's Debrief button in the lobby: timed from the click until the page
has drawn the debrief (its request, JSON parsing, the trend and the lists), 3 times.
Printed, never asserted; not part of the tests.

    .venv/bin/python benchmarks/debrief.py [--minutes 60] [--case NAME] [--no-browser]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sessions import Server

from medtwin.service.app import create_app
from medtwin.service.clock import ManualClock
from medtwin.service.runtime import RuntimeSettings

PASSWORD = "correct horse"
CHROMIUM = "/usr/bin/chromium"
DEBRIEF_DRAWN = """() => document.getElementById('debrief-meta').textContent !== ''
  && document.getElementById('debrief-message').textContent === ''"""
"""The debrief view has shown the session and cleared its 'Loading…' line."""


def headers_of(client: TestClient, username: str) -> dict[str, str]:
    client.post("/api/users", json={"username": username, "password": PASSWORD})
    token = client.post("/api/login", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json()['token']}"}


def manual_app(folder: Path, clock: ManualClock):
    """The service's app on a SQLite file in `folder`, its sessions on `clock` (the
    service's own tick)."""
    return create_app(f"sqlite:///{folder / 'bench.db'}", settings=RuntimeSettings(clock=clock),
                      key_file=folder / "token.key")  # fmt: skip


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    return elapsed, response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--case", default="deteriorating-ward-patient")
    parser.add_argument("--browser", action=argparse.BooleanOptionalAction, default=True,
                        help="also time the debrief page in chromium")  # fmt: skip
    args = parser.parse_args()
    clock = ManualClock()
    with tempfile.TemporaryDirectory(prefix="medtwin-debrief-") as folder:
        with TestClient(manual_app(Path(folder), clock)) as client:
            ines, tom, ana = (headers_of(client, name) for name in ("ines", "tom", "ana"))
            body = {"title": "Night shift", "case": args.case}
            session = client.post("/api/sessions", json=body, headers=ines).json()
            sid = session["id"]
            for trainee in (tom, ana):
                client.post("/api/sessions/join", json={"code": session["code"], "role": "trainee"},
                            headers=trainee)  # fmt: skip
            client.post(f"/api/sessions/{sid}/clock", json={"speed": 60}, headers=ines)
            start = time.perf_counter()
            for minute in range(int(args.minutes)):
                clock.advance(1.0)  # one simulated minute at 60x
                text = {"text": f"Obs round {minute + 1} done"}
                client.post(f"/api/sessions/{sid}/messages", json=text, headers=tom)
                if minute % 5 == 4:
                    order = {"order": "lactated Ringer's 250 mL over 10 min"}
                    client.post(f"/api/sessions/{sid}/orders", json=order, headers=ana)
                if minute % 15 == 0:
                    order = {"order": "12-lead ECG"}
                    client.post(f"/api/sessions/{sid}/orders", json=order, headers=tom)
            run_s = time.perf_counter() - start
            client.post(f"/api/sessions/{sid}/end", headers=ines)
            url = f"/api/sessions/{sid}/debrief"
            middle = 30 * args.minutes
            figures = {
                "debrief (JSON)": timed(lambda: client.get(url, headers=tom)),
                "report (HTML)": timed(lambda: client.get(f"{url}/report", headers=tom)),
                "xAPI statements": timed(lambda: client.get(f"{url}/xapi", headers=tom)),
                "10 s of waveforms": timed(
                    lambda: client.get(f"{url}/waveforms?at={middle}&seconds=10", headers=tom)
                ),
            }
            debrief = figures["debrief (JSON)"][1].json()
        page_s = browser_figures(Path(folder), "tom") if args.browser else None
    print(f"{args.case}: {args.minutes:g} simulated min run in {run_s:.1f} s wall; "
          f"{len(debrief['history']['time_s'])} trend rows, {len(debrief['events'])} events, "
          f"{len(debrief['messages'])} call-outs, "
          f"{len(debrief['twelve_leads'])} 12-lead ECGs")  # fmt: skip
    for name, (seconds, response) in figures.items():
        print(f"  {name:<20} {seconds * 1000:8.0f} ms  {len(response.content) / 1024:8.0f} KiB")
    for number, (opened, request) in enumerate(page_s or [], start=1):
        print(f"  {f'page in chromium #{number}':<20} {opened * 1000:8.0f} ms  (click to drawn; "
              f"its debrief request {request * 1000:.0f} ms)")  # fmt: skip


def browser_figures(folder: Path, username: str) -> list[tuple[float, float]]:
    """(click to drawn, the page's debrief request) in seconds of 3 openings of the
    debrief from the lobby (the first after logging in), with `folder`'s database
    served by a real server."""
    from playwright.sync_api import sync_playwright

    server = Server(folder)
    try:
        server.wait_ready()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(server.url)
            page.fill("#login-username", username)
            page.fill("#login-password", PASSWORD)
            page.click("#login-submit")
            openings = []
            for _ in range(3):
                page.wait_for_selector("#my-sessions button")  # the lobby has listed it
                start = time.perf_counter()  # Playwright's click itself counts too
                page.click("#my-sessions button")
                page.wait_for_function(DEBRIEF_DRAWN, polling="raf")
                opened = time.perf_counter() - start
                request_ms = page.evaluate(
                    """() => performance.getEntriesByType('resource')
                      .filter((e) => e.name.endsWith('/debrief')).at(-1).duration"""
                )
                openings.append((opened, request_ms / 1000.0))
                page.evaluate("performance.clearResourceTimings()")
                page.click("#debrief-back")
            browser.close()
    finally:
        server.stop()
    return openings


if __name__ == "__main__":
    main()
