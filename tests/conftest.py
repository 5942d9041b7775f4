"""Shared pytest fixtures.

Sections: browser fixtures (below). Add other shared fixtures in their own section.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from browser import CHROMIUM, CHROMIUM_ARGS, OfflinePage

if TYPE_CHECKING:
    from playwright.sync_api import Browser


# --------------------------------------------------------------------------- browser
# Tests using these fixtures should be marked ``@pytest.mark.browser``.


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One headless Debian Chromium for the whole session (skips if not installed)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):  # CI installs Chromium (.ci/run): a missing browser is a failure there
            pytest.fail(f"{CHROMIUM} not found in CI: .ci/run should have installed it")
        pytest.skip(f"{CHROMIUM} not found: install it with `apt-get install chromium`")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium: Browser) -> Iterator[OfflinePage]:
    """A fresh page in its own context, network blocked, errors recorded.

    See :class:`browser.OfflinePage`.
    """
    context = chromium.new_context(
        viewport={"width": 1000, "height": 700}, locale="fr-BE", service_workers="block"
    )
    try:
        yield OfflinePage(context)
    finally:
        context.close()
