"""Offline browser harness for tests (a helper module, not a test file).

Drives Debian's Chromium (``/usr/bin/chromium``, installed by ``apt-get`` in CI; never
``playwright install``) through Playwright's sync API, with the network cut off: every
request whose URL is not ``file:``, ``data:`` or ``about:`` is aborted and recorded, so a
test can assert that a page is self-contained. Console errors, uncaught page errors and
JS dialogs (``alert``...) are recorded too.

The ``browser_page`` fixture in ``conftest.py`` hands tests an :class:`OfflinePage`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # playwright is a test dependency, imported lazily by conftest.py
    from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Error, Page, Route

#: Debian's Chromium; Playwright drives it instead of a downloaded browser build.
CHROMIUM = Path("/usr/bin/chromium")

#: Flags: run as root in a container, no GPU, and no background traffic of Chromium's own.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

#: URL schemes a self-contained page may use; anything else is aborted.
ALLOWED_SCHEMES: tuple[str, ...] = ("file:", "data:", "about:")

#: Milliseconds to wait for navigation and element look-ups.
DEFAULT_TIMEOUT_MS = 15_000


class OfflinePage:
    """A Playwright page with the network blocked and errors recorded.

    Parameters
    ----------
    context : playwright.sync_api.BrowserContext
        A fresh browser context; the route is installed on the whole context so that
        every page, frame and worker of it is covered.

    Attributes
    ----------
    page : playwright.sync_api.Page
        The underlying page, for locators, mouse moves and ``evaluate``.
    blocked_requests : list of str
        URLs of aborted requests (anything not ``file:``/``data:``/``about:``).
    requests : list of str
        URLs of every request the page made, allowed or not.
    console_errors : list of str
        Text of ``console`` messages of type ``error``.
    page_errors : list of str
        Uncaught exceptions (``pageerror``).
    dialogs : list of str
        ``"type: message"`` of every ``alert``/``confirm``/``prompt`` (all dismissed).
    """

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.blocked_requests: list[str] = []
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        context.route("**/*", self._route)
        self.page: Page = context.new_page()
        self.page.set_default_timeout(DEFAULT_TIMEOUT_MS)
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)
        self.page.on("dialog", self._on_dialog)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(ALLOWED_SCHEMES):
            route.continue_()
        else:
            self.blocked_requests.append(url)
            route.abort("internetdisconnected")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _on_page_error(self, error: Error) -> None:
        self.page_errors.append(f"{error.name}: {error.message}")

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def goto(self, path: str | Path) -> Page:
        """Open a local file and wait for its ``load`` event.

        Parameters
        ----------
        path : str or Path
            An HTML file on disk.

        Returns
        -------
        playwright.sync_api.Page

        Raises
        ------
        FileNotFoundError
            If ``path`` does not exist.
        """
        file = Path(path).resolve()
        if not file.is_file():
            raise FileNotFoundError(file)
        self.page.goto(file.as_uri(), wait_until="load")
        return self.page

    def problems(self) -> list[str]:
        """Everything that makes a page not offline-clean, one line each (empty if clean)."""
        return (
            [f"blocked request: {url}" for url in self.blocked_requests]
            + [f"console error: {text}" for text in self.console_errors]
            + [f"page error: {text}" for text in self.page_errors]
            + [f"dialog: {text}" for text in self.dialogs]
        )

    def screenshot(self, path: str | Path) -> Path:
        """Save a PNG of the page, creating the parent folder; returns the path."""
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(out))
        return out
