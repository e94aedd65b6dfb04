"""The web app end to end: a real server, Debian's chromium, an instructor and a trainee.

The server runs in a background thread on a free localhost port with a temporary
SQLite database; each person gets their own browser with an empty profile. Waits are
bounded; nothing is asserted about wall-clock speed.
"""

import re
import time
from collections.abc import Iterator

import pytest
from browser_support import (
    CHROMIUM,
    TABLET,
    canvas_pixels,
    create_session,
    horizontal_overflow,
    join_as,
    open_browser,
    register,
    session_code,
)
from playwright import sync_api as playwright_sync
from test_service_support import serving

INK_FRACTION = """(id) => {
  const canvas = document.getElementById(id);
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
  return inked / (canvas.width * canvas.height);
}"""
"""The share of a canvas's pixels drawn on (a sweep of beats inks little of it)."""


def test_debians_chromium_is_installed():
    """scripts/setup installs Debian's chromium; the browser tests drive it."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run scripts/setup as root"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real service, with an empty database, served from a background thread."""
    from medtwin.service.app import create_app

    database = tmp_path_factory.mktemp("service") / "db.sqlite"
    with serving(create_app(f"sqlite:///{database}")) as url:
        yield url


@pytest.fixture(scope="module")
def playwright() -> Iterator["playwright_sync.Playwright"]:
    with playwright_sync.sync_playwright() as running:
        yield running


def _number(text: str) -> float:
    match = re.search(r"-?\d+(\.\d+)?", text)
    assert match, f"no number in {text!r}"
    return float(match.group())


def _wait_for(condition, timeout_s: float, message: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.25)


def _assert_monitor_fits(page) -> None:
    monitor = page.locator("#monitor")
    playwright_sync.expect(monitor).to_be_visible()
    box = monitor.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300, box
    overflow = horizontal_overflow(page)
    assert overflow <= 0, f"page overflows horizontally by {overflow} px"
    playwright_sync.expect(page.locator("#wave-ecg_ii")).to_be_visible()
    playwright_sync.expect(page.locator("#num-hr")).to_be_visible()


def test_instructor_and_trainee_run_a_session(playwright, base_url, tmp_path):
    expect = playwright_sync.expect
    instructor_context, instructor = open_browser(playwright, tmp_path / "p1", base_url)
    trainee_context, trainee = open_browser(playwright, tmp_path / "p2", base_url)
    try:
        instructor.screenshot(path=tmp_path / "login-1280x800.png")
        register(instructor, "instructor_ana")
        instructor.fill("#create-title", "Haemorrhage drill")
        instructor.select_option("#create-patient", "standard-female")
        instructor.screenshot(path=tmp_path / "lobby-1280x800.png")
        instructor.click("#create-submit")
        expect(instructor.locator("#view-session")).to_be_visible()
        join_as(trainee, "trainee_ben", session_code(instructor))
        expect(trainee.locator("#view-session")).to_be_visible()
        expect(trainee.locator("#console-panel")).to_be_hidden()

        # The trainee's monitor moves and shows plausible numbers.
        expect(trainee.locator("#num-hr")).to_have_text(re.compile(r"^\d+$"))
        assert 30 <= _number(trainee.locator("#num-hr").inner_text()) <= 200
        before = canvas_pixels(trainee, "wave-ecg_ii")
        _wait_for(
            lambda: canvas_pixels(trainee, "wave-ecg_ii") != before,
            10,
            "the ECG trace did not move",
        )
        expect(trainee.locator("#num-map")).to_have_text(re.compile(r"^\(\d+\)$"))

        # A refused order shows the server's reason to the trainee.
        trainee.fill("#order-input", "aspirin 5 banana")
        trainee.click("#order-submit")
        refusal = trainee.locator("#order-message")
        expect(refusal).to_have_class(re.compile(r"\berror\b"))
        expect(refusal).to_contain_text("aspirin")
        trainee.screenshot(path=tmp_path / "trainee-refused-1280x800.png")

        # An accepted order reaches the instructor's log with the trainee's name.
        trainee.fill("#order-input", "phenylephrine 1 mcg/kg/min IV infusion")
        trainee.click("#order-submit")
        expect(trainee.locator("#order-message")).to_contain_text("Given")
        entry = instructor.locator("#event-log li", has_text="phenylephrine 1 mcg/kg/min")
        expect(entry).to_contain_text("trainee_ben")
        expect(instructor.locator("#participants")).to_contain_text("trainee_ben")

        instructor.click("#sound-toggle")
        expect(instructor.locator("#sound-toggle")).to_have_attribute("aria-pressed", "true")

        # At 20x the vasopressor raises the patient's pressure within a bounded wait.
        map_before = _number(instructor.locator("#num-map").inner_text())
        instructor.click("#speed-presets button[data-speed='20']")
        expect(instructor.locator("#clock-status")).to_have_text("20×")
        _wait_for(
            lambda: _number(instructor.locator("#num-map").inner_text()) > map_before + 8,
            40,
            f"MAP did not rise 8 mmHg above {map_before} on phenylephrine",
        )
        instructor.screenshot(path=tmp_path / "instructor-1280x800.png")
        trainee.screenshot(path=tmp_path / "trainee-1280x800.png")
        _assert_monitor_fits(instructor)
        _assert_monitor_fits(trainee)

        # An arrest the instructor sets off is the monitor's alarm on every screen:
        # IEC 60601-2-27 requires a high-priority ventricular fibrillation alarm, and
        # VF has no QRS complexes for a heart rate.
        instructor.fill("#order-input", "rhythm ventricular fibrillation")
        instructor.click("#order-submit")
        expect(trainee.locator("#alarm-banner")).to_contain_text("V-FIB")
        expect(trainee.locator("#num-hr")).to_have_text("--")
        expect(trainee.locator("#monitor")).to_have_attribute("data-rhythm-alarm", "V-FIB")

        for page, name in ((instructor, "instructor"), (trainee, "trainee")):
            page.set_viewport_size(TABLET)
            page.wait_for_function(f"() => window.innerWidth === {TABLET['width']}")
            _assert_monitor_fits(page)
            page.screenshot(path=tmp_path / f"{name}-820x1180.png", full_page=True)
            assert page.errors == [], f"JavaScript errors on the {name}'s page: {page.errors}"
    finally:
        instructor_context.close()
        trainee_context.close()


def _inside_viewport(page, selector: str) -> None:
    """The element is laid out wholly inside the window (not clipped off its edge)."""
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box is not None, f"{selector} is not laid out"
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"] + 0.5, (selector, box, size)


DESKTOPS = ({"width": 1366, "height": 768}, {"width": 1920, "height": 1080})
"""The common laptop and desktop screens the issue names."""


def _fits_desktops(page, selectors, screenshot_stem) -> None:
    """At each desktop size: no horizontal overflow, and each of `selectors` wholly
    inside the window; a screenshot of each."""
    for size in DESKTOPS:
        page.set_viewport_size(size)
        page.wait_for_function(f"() => window.innerWidth === {size['width']}")
        assert horizontal_overflow(page) <= 0
        for selector in selectors:
            _inside_viewport(page, selector)
        page.screenshot(path=f"{screenshot_stem}-{size['width']}.png")


def test_an_instructor_runs_a_case_with_two_trainees_to_its_debrief(playwright, base_url, tmp_path):
    """Issue 13: a library case in the room, its inject hidden from the team, the case
    console following the trainees, and the debrief of the whole session for all."""
    expect = playwright_sync.expect
    pages = [open_browser(playwright, tmp_path / f"case{i}", base_url) for i in range(3)]
    (_, instructor), (_, amy), (_, raj) = pages
    try:
        register(instructor, "instructor_eva")
        instructor.select_option("#create-case", "haemorrhagic-shock")
        expect(instructor.locator("#case-briefing")).to_be_visible()
        expect(instructor.locator("#briefing-handover")).to_contain_text("bleeding heavily")
        expect(instructor.locator("#create-patient-label")).to_be_hidden()
        expect(instructor.locator("#create-title")).to_have_value(re.compile("Haemorrhagic shock"))
        instructor.click("#create-submit")
        expect(instructor.locator("#case-console")).to_be_visible()
        expect(instructor.locator("#case-phase")).to_have_text("bleeding")
        expect(instructor.locator("#event-log")).to_contain_text("haemorrhage 250 mL/min")
        expect(instructor.locator("#monitor-patient")).to_have_text(
            re.compile(r"^Man · \d+ y · \d+ cm · \d+ kg$")
        )
        code_box = instructor.locator("#join-code-display")
        expect(code_box).to_have_text(re.compile(r"^[A-Z2-9]{8}$"))
        code = code_box.inner_text()

        for page, name in ((amy, "trainee_amy"), (raj, "trainee_raj")):
            register(page, name)
            page.fill("#join-code", code)
            page.click("#join-submit")
            expect(page.locator("#handover-panel")).to_be_visible()
            expect(page.locator("#handover-text")).to_contain_text("bleeding heavily")
            expect(page.locator("#num-hr")).to_have_text(re.compile(r"^\d+$"))
            # the inject would give the diagnosis away: never in the team's log
            expect(page.locator("#event-log")).not_to_contain_text("haemorrhage 250")
            expect(page.locator("#case-console")).to_be_hidden()

        amy.click("#learner-trend-box summary")  # the team's own trend of the vitals
        before = canvas_pixels(amy, "learner-trend")
        _wait_for(lambda: canvas_pixels(amy, "learner-trend") != before, 15, "no trend drawn")
        expect(instructor.locator("#learner-trend-box")).to_be_hidden()
        amy.fill("#order-input", "stop haemorrhage")
        amy.click("#order-submit")
        expect(instructor.locator("#case-phase")).to_have_text("controlled")
        stop = instructor.locator("#case-actions li", has_text="Stop the bleeding")
        expect(stop).to_contain_text("on time")
        expect(instructor.locator("#case-log")).to_contain_text("stop haemorrhage (trainee_amy)")
        raj.fill("#order-input", "packed red cells 500 mL over 15 min")
        raj.click("#order-submit")
        expect(amy.locator("#event-log")).to_contain_text("trainee_raj")

        raj.fill("#say-input", "Tourniquet is on, time noted")
        raj.click("#say-form button")
        expect(amy.locator("#team-messages")).to_contain_text("trainee_raj")
        expect(amy.locator("#team-messages")).to_contain_text("Tourniquet is on, time noted")

        instructor.select_option("#override-signal", "spo2")
        instructor.fill("#override-value", "71")
        instructor.fill("#override-seconds", "30")
        instructor.click("#override-form button")
        expect(amy.locator("#num-spo2")).to_have_text("71")
        expect(instructor.locator("#event-log")).to_contain_text("monitor shows spo2 = 71")
        expect(amy.locator("#event-log")).not_to_contain_text("monitor shows")

        note = "Amy-found-the-bleeding-at-once-" * 6  # one long unbroken word
        instructor.fill("#note-input", note)
        instructor.click("#note-form button")
        expect(instructor.locator("#notes")).to_contain_text(note[:40])
        selectors = ("#logout", "#note-form button", "#session-end", "#monitor")
        _fits_desktops(instructor, selectors, tmp_path / "case-instructor")

        # on to the case's own end: 10 min after the bleeding is controlled, "stable"
        instructor.click("#speed-presets button[data-speed='60']")
        expect(instructor.locator("#case-phase")).to_have_text("stable", timeout=60_000)
        expect(instructor.locator("#case-log")).to_contain_text("Case over: phase stable (good)")
        instructor.once("dialog", lambda dialog: dialog.accept())
        instructor.click("#session-end")
        for page in (amy, instructor):
            expect(page.locator("#conn-state")).to_have_text(re.compile("ended"))
            expect(page.locator("#alarm-banner")).to_have_text("Session ended")
            expect(page.locator("#monitor")).not_to_have_class(re.compile(r"\balarming\b"))
        amy.click("#open-debrief")
        expect(amy.locator("#view-debrief")).to_be_visible()
        expect(amy.locator("#debrief-events")).to_contain_text("haemorrhage 250 mL/min")
        expect(amy.locator("#debrief-notes")).to_contain_text(note[:40])
        expect(amy.locator("#debrief-score")).to_contain_text("Haemorrhagic shock")
        expect(amy.locator("#debrief-actions")).to_contain_text("on time")
        expect(amy.locator("#debrief-messages")).to_contain_text("Tourniquet is on")
        expect(amy.locator("#debrief-overrides")).to_contain_text("spo2 shown as 71")
        with amy.expect_download() as download:
            amy.click("#debrief-report")
        report = download.value.path().read_text(encoding="utf-8")
        assert "Haemorrhagic shock" in report and "stop haemorrhage" in report
        amy.fill("#replay-at", "00:02")
        amy.click("#replay-form button")
        expect(amy.locator("#replay-message")).to_contain_text("00:00:02 to")
        assert amy.evaluate(INK_FRACTION, "replay-ecg") > 0
        amy.fill("#whatif-at", "00:01")
        amy.fill("#whatif-order", "whole blood 500 mL over 15 min")
        with amy.expect_download(timeout=90_000) as download:
            amy.click("#whatif-form button")
        what_if = download.value.path().read_text(encoding="utf-8")
        assert "what if: whole blood 500 mL over 15 min at 0:01" in what_if
        selectors = ("#debrief-report", "#debrief-trend", "#debrief-notes", "#logout")
        _fits_desktops(amy, selectors, tmp_path / "case-debrief")
        amy.screenshot(path=tmp_path / "case-debrief-full.png", full_page=True)
        for _, page in pages:
            assert page.errors == [], f"JavaScript errors: {page.errors}"
    finally:
        for context, _ in pages:
            context.close()


def test_the_monitor_alarms_by_priority_silences_and_measures_nibp(playwright, base_url, tmp_path):
    """Issue 13: IEC 60601-1-8 priorities (a limit crossed is medium, ventricular
    fibrillation high), limits the user sets, a two-minute silence, the cuff pressure
    on demand and on a cycle, and waveforms that stay readable at 20x."""
    expect = playwright_sync.expect
    context, page = open_browser(playwright, tmp_path / "alarms", base_url)
    try:
        create_session(page, "instructor_ida", "Monitor drill")
        expect(page.locator("#num-hr")).to_have_text(re.compile(r"^\d+$"))
        monitor = page.locator("#monitor")
        expect(monitor).not_to_have_class(re.compile(r"\balarming\b"))

        page.click("#alarm-settings summary")
        page.fill("input[name='heart_rate.high']", "40")
        page.fill("input[name='heart_rate.low']", "50")
        page.click("#limits-form button[type=submit]")
        expect(page.locator("#limits-form .message")).to_contain_text("low limit (50)")
        page.fill("input[name='heart_rate.low']", "30")
        page.click("#limits-form button[type=submit]")
        expect(monitor).to_have_attribute("data-alarm-priority", "medium")
        expect(page.locator("#alarm-banner")).to_contain_text("** HR ▲")
        page.click("#alarm-settings summary")

        # the cuff's buttons give orders: logged, and read by the server's cuff
        page.click("#nibp-measure")
        expect(page.locator("#nibp-when")).to_have_text("measuring…")
        expect(page.locator("#event-log")).to_contain_text("measure NIBP")
        page.click("#speed-presets button[data-speed='20']")
        expect(page.locator("#nibp-value")).to_have_text(re.compile(r"^\d+/\d+ \(\d+\)$"))
        first = page.locator("#nibp-when").inner_text()
        page.select_option("#nibp-cycle", "1")
        expect(page.locator("#event-log")).to_contain_text("NIBP every 1 min")
        expect(page.locator("#nibp-when")).not_to_have_text(first, timeout=30_000)
        expect(page.locator("#nibp-when")).to_have_text(re.compile(r"^at "), timeout=30_000)
        assert page.locator("#nibp-when").inner_text() != first

        page.wait_for_timeout(7_000)  # a whole sweep at 20x
        ink = page.evaluate(INK_FRACTION, "wave-ecg_ii")
        assert 0 < ink < 0.1, f"the ECG at 20x inks {ink:.0%} of its canvas: a band, not beats"

        page.fill("#order-input", "rhythm ventricular fibrillation")
        page.click("#order-submit")
        expect(monitor).to_have_attribute("data-alarm-priority", "high")
        expect(page.locator("#alarm-banner")).to_contain_text("*** V-FIB")
        page.click("#sound-toggle")
        expect(monitor).to_have_attribute("data-last-sound", "high")
        page.click("#alarm-silence")
        expect(monitor).to_have_attribute("data-silenced", "true")
        expect(page.locator("#alarm-banner")).to_contain_text("SILENCED 1:5")
        selectors = ("#alarm-silence", "#sim-clock", "#nibp-measure", "#num-uo")
        _fits_desktops(page, selectors, tmp_path / "monitor")
        assert page.errors == [], f"JavaScript errors: {page.errors}"
    finally:
        context.close()


def test_every_order_of_the_registry_is_reachable_from_the_order_panel(
    playwright, base_url, tmp_path
):
    """Issue 13: the order catalogue is built from the action registry (and the drug
    library and fluids): each kind's examples can be chosen, insults only by the
    instructor, and a chosen order is given as it is."""
    import httpx

    expect = playwright_sync.expect
    actions = httpx.get(f"{base_url}/api/config").json()["actions"]
    (i_context, instructor), (t_context, trainee) = (
        open_browser(playwright, tmp_path / name, base_url) for name in ("cat-i", "cat-t")
    )
    try:
        create_session(instructor, "instructor_ola", "Orders drill")
        join_as(trainee, "trainee_uma", session_code(instructor))
        expect(trainee.locator("#join-message")).to_have_text("")
        expect(trainee.locator("#view-session")).to_be_visible()
        for page in (instructor, trainee):
            page.click("#order-catalog summary")
        chips = {
            role: set(page.locator("#catalog-list .chip").all_inner_texts())
            for role, page in (("instructor", instructor), ("trainee", trainee))
        }
        for action in actions:
            for example in action["examples"]:
                assert example in chips["instructor"], f"{action['kind']}: {example} not offered"
                assert (example in chips["trainee"]) != action["insult"], example

        trainee.fill("#catalog-search", "fentanyl")
        trainee.locator("#catalog-list .chip", has_text="fentanyl … mcg/kg IV bolus").click()
        expect(trainee.locator("#order-input")).to_have_value("fentanyl  mcg/kg IV bolus")
        caret = trainee.evaluate("document.getElementById('order-input').selectionStart")
        assert caret == len("fentanyl ")
        trainee.keyboard.type("1")
        trainee.click("#order-submit")
        expect(trainee.locator("#order-message")).to_contain_text("Given")

        trainee.fill("#catalog-search", "oxygen non-rebreather")
        trainee.locator("#catalog-list .chip", has_text="oxygen non-rebreather 15 L/min").click()
        trainee.click("#order-submit")
        expect(instructor.locator("#event-log")).to_contain_text("oxygen non-rebreather 15 L/min")

        trainee.fill("#order-input", "fentanil 1 mcg/kg IV bolus")
        trainee.click("#order-submit")
        expect(trainee.locator("#order-message")).to_contain_text("Order refused")
        refusal = trainee.locator("#order-message").inner_text()
        assert "fentanil" in refusal and len(refusal) < 300, refusal
        assert "accepted orders" not in refusal
        for page in (instructor, trainee):
            assert page.errors == [], f"JavaScript errors: {page.errors}"
    finally:
        i_context.close()
        t_context.close()


def _give(page, order: str) -> None:
    """Give `order` from the order box and wait until it is given (the box is cleared
    only then), so the next order is not typed into a box about to be cleared."""
    page.fill("#order-input", order)
    page.click("#order-submit")
    playwright_sync.expect(page.locator("#order-input")).to_have_value("")
    playwright_sync.expect(page.locator("#order-message")).to_contain_text("Given")


def test_a_layout_the_instructor_sets_changes_what_a_trainees_monitor_shows(
    playwright, base_url, tmp_path
):
    """Issue 13: the monitor's layout per role. The instructor gives the trainees the
    ventilator's flow and volume and ECG lead V1 instead of the pleth, and no
    temperature; the trainee's monitor draws them (after a reload too), the instructor's
    own stays as it was, and shows the airway pressure once a ventilator is on. The
    editor, reopened, shows each role's layout as set. Issue 10: the chest drain's
    output shows while a drain is in."""
    expect = playwright_sync.expect
    instructor_context, instructor = open_browser(playwright, tmp_path / "l1", base_url)
    trainee_context, trainee = open_browser(playwright, tmp_path / "l2", base_url)
    try:
        create_session(instructor, "instructor_lea", "Layout drill")
        join_as(trainee, "trainee_max", session_code(instructor))
        expect(trainee.locator("#wave-row-pleth")).to_be_visible()
        expect(trainee.locator("#wave-row-airway_flow")).to_be_hidden()

        instructor.click("#layout-settings summary")
        instructor.select_option("#layout-role", "trainee")
        form = instructor.locator("#layout-form")
        form.locator("input[name=wave][value=pleth]").uncheck()
        form.locator("input[name=wave][value=airway_flow]").check()
        form.locator("input[name=wave][value=lung_volume]").check()
        expect(form.locator("label", has=instructor.locator("input[value=ecg_v1]"))).to_have_text(
            "ECG V1"
        )
        form.locator("input[name=wave][value=ecg_v1]").check()
        form.locator("input[name=numeric][value=temperature]").uncheck()
        instructor.click("#layout-submit")
        expect(instructor.locator("#layout-message")).to_have_text("Layout set for every trainee.")

        for page in (trainee, None):
            if page is None:
                trainee.reload()  # the layout comes with the snapshot too
                page = trainee
            expect(page.locator("#wave-row-airway_flow")).to_be_visible()
            expect(page.locator("#wave-row-lung_volume")).to_be_visible()
            expect(page.locator("#wave-row-ecg_v1 .wave-label")).to_have_text("V1")
            expect(page.locator("#wave-row-pleth")).to_be_hidden()
            expect(page.locator("#num-temp")).to_be_hidden()
            expect(page.locator("#num-hr")).to_be_visible()
        before = canvas_pixels(trainee, "wave-airway_flow")
        _wait_for(lambda: canvas_pixels(trainee, "wave-airway_flow") != before, 10,
                  "the flow trace did not move")  # fmt: skip
        _wait_for(lambda: trainee.evaluate(INK_FRACTION, "wave-ecg_v1") > 0, 10,
                  "lead V1 was named but not drawn")  # fmt: skip
        trainee.screenshot(path=tmp_path / "trainee-layout-1280x800.png")
        expect(instructor.locator("#wave-row-pleth")).to_be_visible()
        expect(instructor.locator("#wave-row-airway_flow")).to_be_hidden()

        # the editor opens on the chosen role's layout, not the default
        instructor.reload()
        instructor.click("#layout-settings summary")
        form = instructor.locator("#layout-form")
        instructor.select_option("#layout-role", "trainee")
        expect(form.locator("input[name=wave][value=pleth]")).not_to_be_checked()
        expect(form.locator("input[name=wave][value=airway_flow]")).to_be_checked()
        expect(form.locator("input[name=numeric][value=temperature]")).not_to_be_checked()
        instructor.select_option("#layout-role", "instructor")
        expect(form.locator("input[name=wave][value=pleth]")).to_be_checked()
        expect(form.locator("input[name=wave][value=airway_flow]")).not_to_be_checked()
        instructor.click("#layout-settings summary")

        # the drain's output: no tile without a drain, the bottle's blood with one
        expect(instructor.locator("#num-drain")).to_be_hidden()
        for order in ("haemothorax left 1500 mL over 10 min", "chest drain left"):
            _give(instructor, order)
        expect(instructor.locator("#num-drain")).to_have_text(re.compile(r"^L \d+$"))

        # the default layout's airway pressure shows once a ventilator is on
        expect(instructor.locator("#wave-row-airway_pressure")).to_be_hidden()
        for order in ("intubate", "ventilator VC rate 14 VT 450 mL PEEP 5 FiO2 0.5"):
            _give(instructor, order)
        expect(instructor.locator("#wave-row-airway_pressure")).to_be_visible()
        before = canvas_pixels(instructor, "wave-airway_pressure")
        _wait_for(lambda: canvas_pixels(instructor, "wave-airway_pressure") != before, 10,
                  "the airway pressure trace did not move")  # fmt: skip
        instructor.screenshot(path=tmp_path / "instructor-ventilated-1280x800.png")
        assert trainee.errors == [] and instructor.errors == [], (trainee.errors, instructor.errors)
    finally:
        instructor_context.close()
        trainee_context.close()


DECODE_FRAMES = """async (frames) => {
  const { decodeWaveFrame } = await import('/stream.js');
  return frames.map((bytes) => {
    try {
      const frame = decodeWaveFrame(new Uint8Array(bytes).buffer);
      return Object.fromEntries(Object.entries(frame.channels).map(([k, v]) => [k, [...v]]));
    } catch (error) {
      return error.message;
    }
  });
}"""
"""The page's own decoder (`stream.js`) on frames given as lists of bytes: for each, its
channels, or the error it raised."""


def _decoded_in_the_page(page) -> None:
    """The page decodes the server's frame as the server's codec does, and refuses a
    frame whose size its mask contradicts, or of the old format (a count, not a mask)."""
    import numpy as np

    from medtwin.service.codec import FRAME_HEADER, read_waveform_frame, waveform_frame

    frame = waveform_frame(2.0, {"ecg_v1": np.array([-0.5, 0.25]), "ecg_ii": np.ones(2)})
    old = FRAME_HEADER.pack(15, 2, 2.0, 125.0) + bytes(15 * 2 * 4)
    good, cut, old_format = page.evaluate(DECODE_FRAMES, [list(frame), list(frame[:-1]),
                                                          list(old)])  # fmt: skip
    _, _, expected = read_waveform_frame(frame)
    assert good == {name: samples.tolist() for name, samples in expected.items()}
    assert list(good) == ["ecg_ii", "ecg_v1"]
    assert "expected 36" in cut and "expected" in old_format, (cut, old_format)


def test_the_layout_editor_groups_the_leads_and_the_monitor_draws_a_lead_added(
    playwright, base_url, tmp_path
):
    """The editor lists the waveforms in groups, the eight ECG leads (lead II first)
    together; leads the instructor adds to their own monitor (V1 and V5, which no
    default layout draws and so the stream did not carry) come after the default's
    waveforms, and are drawn from the frames that follow, without a reload."""
    expect = playwright_sync.expect
    context, instructor = open_browser(playwright, tmp_path / "g1", base_url)
    try:
        create_session(instructor, "instructor_gus", "Leads drill")
        expect(instructor.locator("#wave-row-ecg_ii")).to_be_visible()
        _decoded_in_the_page(instructor)
        instructor.click("#layout-settings summary")
        groups = instructor.locator("#layout-waves .layout-group")
        expect(groups.locator("legend")).to_have_text(
            ["ECG leads", "Pressures and gases", "Ventilation"]
        )
        expect(groups.nth(0).locator("label")).to_have_text(
            [f"ECG {lead}" for lead in ("II", "I", "III", "aVR", "aVL", "aVF", "V1", "V5")]
        )
        expect(groups.nth(2).locator("input")).to_have_count(3)
        instructor.locator("#layout-form").screenshot(path=tmp_path / "layout-editor.png")
        expect(instructor.locator("#wave-row-ecg_v5")).to_be_hidden()

        instructor.select_option("#layout-role", "instructor")
        for lead in ("ecg_v1", "ecg_v5"):
            groups.nth(0).locator(f"input[value={lead}]").check()
        instructor.click("#layout-submit")
        expect(instructor.locator("#layout-message")).to_have_text(
            "Layout set for every instructor."
        )
        # the layout keeps the channel order, not the groups': V1 after the default five
        expect(instructor.locator("#wave-row-ecg_v1")).to_have_css("order", "5")
        expect(instructor.locator("#wave-row-ecg_v5 .wave-label")).to_have_text("V5")
        instructor.wait_for_function(f"({INK_FRACTION})('wave-ecg_v5') > 0")
        instructor.screenshot(path=tmp_path / "instructor-lead-v5-1280x800.png")
        assert instructor.errors == [], instructor.errors
    finally:
        context.close()


TRACE_FRACTION = """(id) => {
  const canvas = document.getElementById(id);
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] < 90 && data[i + 1] < 90 && data[i + 2] < 90) dark++;
  }
  return dark / (canvas.width * canvas.height);
}"""
"""The share of a canvas's pixels in the traces' near-black (the paper is pink)."""


def _assert_inside_viewport(page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box and box["x"] >= 0 and box["y"] >= 0, box
    assert (
        box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"]
    ), (box, size)


def _assert_twelve_lead_drawn(page) -> None:
    """The report's dialog is open, inside the window, and its canvas holds traces."""
    playwright_sync.expect(page.locator("#twelve-lead-dialog")).to_be_visible()
    playwright_sync.expect(page.locator("#twelve-lead-heading")).to_contain_text("25 mm/s")
    _assert_inside_viewport(page, "#twelve-lead-dialog")
    traced = page.evaluate(TRACE_FRACTION, "twelve-lead-canvas")
    assert 0.002 < traced < 0.2, f"the 12-lead's traces cover {traced:.1%} of its canvas"
    playwright_sync.expect(page.locator("#twelve-lead-sources")).to_contain_text("Dower GE")


def test_a_trainee_records_a_12_lead_ecg_that_everyone_sees_and_the_debrief_keeps(
    playwright, base_url, tmp_path
):
    """Issue 13: the 12-lead snapshot. A trainee's Record button gives the order '12-lead
    ECG'; 10 s later both the trainee and the instructor can open the printed report (4×3
    leads and a rhythm strip, inside a 1366×768 window); the debrief shows it too."""
    expect = playwright_sync.expect
    instructor_context, instructor = open_browser(playwright, tmp_path / "e1", base_url)
    trainee_context, trainee = open_browser(playwright, tmp_path / "e2", base_url)
    try:
        trainee.set_viewport_size({"width": 1366, "height": 768})
        create_session(instructor, "instructor_ecg", "ECG drill")
        join_as(trainee, "trainee_ecg", session_code(instructor))
        expect(trainee.locator("#twelve-lead-list")).to_contain_text("None recorded.")
        trainee.click("#twelve-lead-order")
        expect(trainee.locator("#twelve-lead-status")).to_have_text("recording 10 s…")
        for page in (trainee, instructor):
            expect(page.locator("#event-log")).to_contain_text("12-lead ECG")
        instructor.click("#speed-presets button[data-speed='20']")
        for page in (trainee, instructor):
            expect(page.locator("#twelve-lead-list button")).to_have_count(1, timeout=30_000)
        expect(trainee.locator("#twelve-lead-status")).to_have_text("")
        trainee.click("#twelve-lead-list button")
        _assert_twelve_lead_drawn(trainee)
        trainee.screenshot(path=tmp_path / "twelve-lead-1366x768.png")
        trainee.click("#twelve-lead-close")
        expect(trainee.locator("#twelve-lead-dialog")).to_be_hidden()

        instructor.once("dialog", lambda dialog: dialog.accept())
        instructor.click("#session-end")
        expect(instructor.locator("#twelve-lead-order")).to_be_disabled()
        instructor.click("#open-debrief")
        expect(instructor.locator("#debrief-twelve-leads button")).to_have_count(1)
        instructor.click("#debrief-twelve-leads button")
        _assert_twelve_lead_drawn(instructor)
        assert trainee.errors == [] and instructor.errors == [], (trainee.errors, instructor.errors)
    finally:
        instructor_context.close()
        trainee_context.close()
