"""Shared helpers of the browser tests (no tests here): Debian's chromium driven by
Playwright, each person in a fresh browser with an empty profile."""

from __future__ import annotations

import re
from pathlib import Path

from playwright import sync_api as playwright_sync

# Assertions wait as long as actions do (`open_browser`): on a loaded machine a page
# can take longer than Playwright's default 5 s to show what the server sent.
playwright_sync.expect.set_options(timeout=15_000)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 820, "height": 1180}
PASSWORD = "correct-horse-battery"


def open_browser(playwright, profile: Path, base_url: str):
    """A fresh chromium with an empty profile; returns (context, page) at the app. The
    page's JavaScript errors collect in `page.errors`."""
    context = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        headless=True,
        viewport=DESKTOP,
    )
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(15_000)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(base_url)
    return context, page


def register(page, username: str) -> None:
    """Register `username` on the login page and wait for the lobby."""
    page.fill("#login-username", username)
    page.fill("#login-password", PASSWORD)
    page.click("#register-submit")
    playwright_sync.expect(page.locator("#view-lobby")).to_be_visible()


def create_session(page, username: str, title: str) -> None:
    """Register `username` and create a session of the default patient titled `title`."""
    register(page, username)
    page.fill("#create-title", title)
    page.click("#create-submit")


def session_code(page) -> str:
    """The join code the instructor's console shows, once it does."""
    code_box = page.locator("#join-code-display")
    playwright_sync.expect(code_box).to_have_text(re.compile(r"^[A-Z2-9]{8}$"))
    return code_box.inner_text()


def join_as(page, username: str, code: str, role: str = "trainee") -> None:
    """Register `username` and join the session of `code` as `role`."""
    register(page, username)
    page.fill("#join-code", code)
    page.select_option("#join-role", role)
    page.click("#join-submit")


def canvas_pixels(page, canvas_id: str) -> str:
    return page.evaluate(f"document.getElementById('{canvas_id}').toDataURL()")


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than its window (0 when it fits)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
