"""Browser tests: Playwright drives Debian's Chromium against a live Comptoir, axe-core checks
every page. Run them one at a time on this shared machine::

    flock /tmp/comptoir-cpu.lock .venv/bin/pytest tests/browser -m browser
"""

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

# Playwright's synchronous API keeps an event loop running in the test thread; the tests still
# build their data with the ORM in that same thread, which Django otherwise refuses.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("COMPTOIR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]

_axe = Axe()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def javascript_enabled() -> bool:
    """Override with ``@pytest.mark.parametrize("javascript_enabled", [False])`` to browse
    without JavaScript."""
    return True


@pytest.fixture
def page(browser, live_server, javascript_enabled):  # type: ignore[no-untyped-def]  # Playwright
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        java_script_enabled=javascript_enabled,
    )
    page = context.new_page()
    outside: list[str] = []
    local_host = urlsplit(live_server.url).netloc

    def watch(request):  # type: ignore[no-untyped-def]
        netloc = urlsplit(request.url).netloc
        if netloc and netloc != local_host:
            outside.append(request.url)

    page.on("request", watch)
    yield page
    context.close()
    assert outside == [], f"pages asked for resources outside this server: {outside}"


def assert_accessible(page) -> None:  # type: ignore[no-untyped-def]
    """Run axe-core (all rules but experimental ones) on the page as it is now: no violation."""
    page.wait_for_function("() => customElements.get('gcds-header') !== undefined")
    page.wait_for_selector("gcds-header.hydrated", state="attached")
    results = _axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def deep_active_element(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Tag, text, id and href of the focused element, looking through shadow roots."""
    return page.evaluate(
        """() => {
            let el = document.activeElement;
            while (el && el.shadowRoot && el.shadowRoot.activeElement) {
                el = el.shadowRoot.activeElement;
            }
            return {
                tag: el ? el.tagName.toLowerCase() : "",
                text: el ? (el.textContent || "").trim() : "",
                id: el && el.id ? el.id : "",
                href: el && el.getAttribute("href") ? el.getAttribute("href") : "",
            };
        }"""
    )
