"""Browser journeys: Playwright for Python driving Debian's Chromium (no browser download).

The setup (`make setup`) installs Debian's `chromium`; where it is missing the journeys
skip locally but fail under CI, so a machine without the browser cannot pass silently.
Screenshots of every page a journey visits go to `var/screenshots/` for people to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from tests.real_services import unavailable

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# Playwright's sync API runs an event loop in the test's thread; the Django ORM calls the
# tests make between browser steps are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def journey_marks() -> list[pytest.MarkDecorator]:
    """Marks for a journey module. The live server needs a database flushed between
    tests; SQLite's triggers that keep published framework versions immutable refuse the
    flush's DELETE (PostgreSQL's TRUNCATE is not a row delete), so journeys run on
    PostgreSQL, as in CI. Skipped at collection, before any database is set up."""
    from django.db import connection

    return [
        pytest.mark.e2e,
        pytest.mark.django_db(transaction=True),
        pytest.mark.skipif(
            connection.vendor == "sqlite", reason="browser journeys run on PostgreSQL"
        ),
    ]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("browser journeys: playwright is not installed (make setup installs it)")
    if not CHROMIUM.exists():
        unavailable(f"browser journeys: {CHROMIUM} is missing (make setup installs chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield launched
        launched.close()


class Journey:
    """One browser context (its own cookies) and a screenshot per named step."""

    def __init__(self, browser: object, base_url: str, name: str) -> None:
        self.context = browser.new_context(  # type: ignore[attr-defined]
            base_url=base_url, accept_downloads=True, viewport={"width": 1280, "height": 900}
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.name = name
        self.shots_taken = 0
        self.console_errors: list[str] = []
        self.page.on(
            "console",
            lambda message: message.type == "error" and self.console_errors.append(message.text),
        )

    def shot(self, label: str) -> Path:
        self.shots_taken += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^a-z0-9-]+", "-", label.lower()).strip("-")
        path = SCREENSHOTS / f"{self.name}-{self.shots_taken:02d}-{safe}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        """One step of a story told by this actor. A failure inside it is reported as
        "<actor>: <step>: <the original error>" (chained to it), and the page the step
        left behind is kept as `<actor>-NN-failed-....png`."""
        try:
            yield
        except Exception as exc:
            with suppress(Exception):
                self.shot(f"failed-{title}"[:60])
            raise AssertionError(f"{self.name}: {title}: {type(exc).__name__}: {exc}") from exc

    def sign_in(self, username: str, password: str) -> None:
        self.page.goto("/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("form button[type=submit]")
        self.page.wait_for_load_state()


@pytest.fixture
def journey(browser: object, live_server: object, reference_loaded: None) -> Iterator[object]:
    opened: list[Journey] = []

    def open_journey(name: str) -> Journey:
        found = Journey(browser, live_server.url, name)  # type: ignore[attr-defined]
        opened.append(found)
        return found

    yield open_journey
    for found in opened:
        found.context.close()
