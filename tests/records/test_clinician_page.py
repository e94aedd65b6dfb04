"""The clinician's page end to end: a real server, Debian's chromium, a clinician who
builds Martina Murazik's twin from her FHIR record, follows it as a monitor gateway
POSTs her vitals, and compares three plans.

The server's twins step every half second without holding values back, so that what
is posted shows within a bounded wait; nothing is asserted about wall-clock speed.
Screenshots are written to the test's temporary folder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from browser_support import TABLET, canvas_pixels, horizontal_overflow, open_browser, register
from playwright import sync_api as playwright_sync
from test_service_support import serving

from medtwin.service.app import create_app
from medtwin.service.tracking import TrackingSettings

from .conftest import DATA
from .test_service_twins import MARTINA_ID, blood_pressure, bundle, observation

expect = playwright_sync.expect


@pytest.fixture(scope="module")
def base_url(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("clinician")
    app = create_app(f"sqlite:///{folder / 'db.sqlite'}", key_file=folder / "token.key",
                     tracking=TrackingSettings(step_s=0.5, hold_s=0.0))  # fmt: skip
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def playwright() -> Iterator[playwright_sync.Playwright]:
    with playwright_sync.sync_playwright() as running:
        yield running


def _monitor_gateway_posts(base_url: str, token: str, twin_id: int) -> None:
    """Ten seconds of Martina's monitor: heart rate 96 /min and a blood pressure, each
    second, as a Bundle about her (and one artefact, a heart rate of 400)."""
    start = datetime.now(UTC) - timedelta(seconds=10)
    subject = {"reference": f"Patient/{MARTINA_ID}"}
    resources = []
    for k in range(10):
        when = start + timedelta(seconds=k)
        resources.append(observation("8867-4", 96, "/min", when, id=f"hr-{k}", subject=subject))
        resources.append({**blood_pressure(128, 78, when), "id": f"bp-{k}", "subject": subject})
    resources.append(observation("8867-4", 400, "/min", start, id="spike", subject=subject))
    response = httpx.post(
        f"{base_url}/api/twins/{twin_id}/observations",
        content=json.dumps(bundle(*resources)).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
        timeout=60,
    )
    assert response.status_code == 202, response.text


def test_a_clinician_builds_follows_and_plans_a_patients_twin(playwright, base_url, tmp_path):
    context, page = open_browser(playwright, tmp_path / "profile", base_url)
    try:
        register(page, "dr_okafor")
        page.click("#to-twins")
        expect(page.locator("#view-twins")).to_be_visible()

        # Her twin, fitted to her record: observed against twin, signal by signal.
        page.fill("#twin-title-input", "Ward 7, bed 3")
        page.set_input_files("#twin-file", str(DATA / "martina_murazik.json"))
        page.fill("#twin-members", "6")
        page.click("#twin-create")
        expect(page.locator("#twin-view")).to_be_visible(timeout=120_000)
        expect(page.locator("#twin-patient-line")).to_contain_text("Martina Murazik")
        expect(page.locator("#twin-conditions")).to_contain_text("copd")
        row = page.locator("#fit-table tr[data-signal='mean_arterial_pressure'] td")
        expect(row.nth(1)).to_have_text("95.0")  # her two blood pressures' mean
        expect(row.nth(2)).to_have_text(re.compile(r"^9\d\.\d$"))  # the fitted twin's
        expect(row.nth(5)).to_have_text("yes")
        page.screenshot(path=tmp_path / "twin-fit-1280x800.png", full_page=True)

        # Live tracking: what the gateway posts is assimilated and drawn with its band.
        twin_id = int(page.evaluate("sessionStorage.getItem('medtwin.twin')"))
        token = page.evaluate("sessionStorage.getItem('medtwin.token')")
        before = canvas_pixels(page, "track-heart_rate")
        _monitor_gateway_posts(base_url, token, twin_id)
        page.wait_for_function(  # all 31 values decided, most of them accepted
            """() => {
              const m = document.getElementById("track-status").textContent
                .match(/(\\d+) accepted, (\\d+) refused/);
              return m && Number(m[1]) + Number(m[2]) === 31 && Number(m[1]) >= 25;
            }""",
            timeout=60_000,
        )
        expect(page.locator("#decisions")).to_contain_text("implausible: 400 is outside 20-300")
        expect(page.locator("#est-heart_rate")).to_have_text(re.compile(r"^HR \d+ ± \d+ /min$"))
        assert canvas_pixels(page, "track-heart_rate") != before
        page.screenshot(path=tmp_path / "twin-tracking-1280x800.png", full_page=True)

        # Three plans from the tracked state, with their outcomes and 90 % bands.
        page.select_option("#plans-horizon", "600")
        page.click("#plans-submit")
        expect(page.locator("#plans-message")).to_contain_text(
            "3 plans × 6 members from the state tracked at", timeout=180_000
        )
        rows = page.locator("#plans-table tbody tr")
        expect(rows).to_have_count(3)
        expect(rows.nth(2).locator("td").first).to_have_text(
            "norepinephrine 0.1 mcg/kg/min IV infusion"
        )
        band = re.compile(r"^\d+ % \[\d+ %–\d+ %\]$")
        expect(rows.nth(0).locator("td").nth(1)).to_have_text(band)
        expect(page.locator("#plan-mean_arterial_pressure")).to_be_visible()
        page.screenshot(path=tmp_path / "twin-plans-1280x800.png", full_page=True)

        # An order the engine refuses is the server's reason, shown as it is.
        page.locator(".plan-input").nth(3).fill("aspirin 5 banana")
        page.click("#plans-submit")
        expect(page.locator("#plans-message")).to_have_class(re.compile(r"\berror\b"))
        expect(page.locator("#plans-message")).to_contain_text("plan 'aspirin 5 banana'")

        assert horizontal_overflow(page) <= 0
        page.set_viewport_size(TABLET)
        page.wait_for_function(f"() => window.innerWidth === {TABLET['width']}")
        assert horizontal_overflow(page) <= 0
        page.screenshot(path=tmp_path / "twin-820x1180.png", full_page=True)
        assert page.errors == [], f"JavaScript errors on the page: {page.errors}"
    finally:
        context.close()
