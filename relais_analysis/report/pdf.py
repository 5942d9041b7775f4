"""Print a report page to PDF with Debian's headless Chromium (through Playwright).

The PDF is meant to be e-mailed alone, without the site around it, so before printing:

- every link to another file of the site (a relative link, ``file:`` once opened) is turned into
  plain text followed by where to find it: "(voir le site du rapport : wallonie/tableaux/x.csv)";
  links inside the page (``#...``) and to the web (``https:``) are kept;
- the print stylesheet (``templates/print.css``: no heading alone at the bottom of a page, no
  figure cut across pages, web addresses printed after their links), which report pages include
  (``style_html`` of :mod:`relais_analysis.report.content`), is added to a notebook export
  that lacks it; other pages (the questionnaire has its own print rules) are printed as they are.

Each page gets a "page X / Y" footer. Nothing is fetched from the network while printing.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any

from relais_analysis.errors import ParameterError
from relais_analysis.i18n import text, text_pair

__all__ = [
    "PAGE_MARGINS",
    "footer_template",
    "print_css",
    "print_pdf",
]

#: A4 margins; the bottom one leaves room for the page-number footer.
PAGE_MARGINS = {"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"}

#: Loads every image a page defers (``loading="lazy"``: the report's figures) and waits until each is decoded.
_EAGER_IMAGES_SCRIPT = """() => Promise.all([...document.images].map(img => {
    img.loading = "eager";
    return img.decode().catch(() => null);
}))"""

# A notebook export without the print stylesheet gets it, last in the page; other pages (the questionnaire,
# which has its own print rules) are printed as they are.
_STYLE_SCRIPT = """
([css, marker]) => {
    if (!document.querySelector(".jp-Notebook")) return false;
    if (Array.from(document.querySelectorAll("style")).some((s) => s.textContent.includes(marker))) return false;
    const style = document.createElement("style");
    style.textContent = css;
    document.body.appendChild(style);
    return true;
}
"""

# Runs in the page before printing: relative links (file: URLs once opened) become text + site path.
_UNLINK_SCRIPT = """
([root, prefix]) => {
    let changed = 0;
    for (const a of Array.from(document.querySelectorAll("a[href]"))) {
        const raw = a.getAttribute("href");
        if (raw.startsWith("#")) continue;
        const url = new URL(raw, document.baseURI);
        if (url.protocol !== "file:") continue;
        const here = new URL(document.baseURI);
        if (url.pathname === here.pathname && url.hash) { a.setAttribute("href", url.hash); continue; }
        let path = decodeURIComponent(url.pathname);
        if (path.startsWith(root)) path = path.slice(root.length);
        const span = document.createElement("span");
        span.className = "relais-offline-link";
        while (a.firstChild) span.appendChild(a.firstChild);
        const note = document.createElement("span");
        note.className = "relais-site-path";
        note.textContent = " (" + prefix + path + ")";
        span.appendChild(note);
        a.replaceWith(span);
        changed += 1;
    }
    return changed;
}
"""


def print_css() -> str:
    """The print stylesheet of report pages (``relais_analysis/templates/print.css``).

    Examples
    --------
    >>> "@media print" in print_css()
    True
    """
    return resources.files("relais_analysis").joinpath("templates/print.css").read_text(encoding="utf-8")


def footer_template(lang: str = "fr") -> str:
    """Chromium's footer: "page X / Y", centred, small grey text.

    Examples
    --------
    >>> "pageNumber" in footer_template() and "totalPages" in footer_template()
    True
    """
    word = text("print.page", lang)
    return ('<div style="width:100%;font-size:8pt;color:#555;text-align:center;font-family:sans-serif">'
            f'{word} <span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def _site_root(page: Path) -> Path:
    """The published site's root: the nearest of the 3 folders above ``page`` holding ``index.html``."""
    for folder in list(page.parents)[:3]:  # YEAR/index.html, YEAR/PROVINCE/rapport.html, YEAR/relais/X/...
        if (folder / "index.html").exists():
            return folder
    return page.parent


def print_pdf(page: Path, target: Path, *, lang: str | None = None) -> Path:
    """Print an HTML page to an A4 PDF that works when sent alone.

    Parameters
    ----------
    page : Path
        The HTML page (a report of the published site).
    target : Path
        The PDF to write.
    lang : {"fr", "en"}, optional
        Language of the footer and link notes; by default the page's ``<html lang>``.

    Returns
    -------
    Path
        ``target``.

    Raises
    ------
    ParameterError
        When Chromium or Playwright is not installed, with how to install them.
    """
    chromium = Path(os.environ.get("RELAIS_CHROMIUM", "/usr/bin/chromium"))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise ParameterError(*text_pair("site.error.no_playwright")) from exc
    if not chromium.exists():
        raise ParameterError(*text_pair("site.error.no_chromium", path=chromium))
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no event loop in this thread: print here
        return _print(Path(page).resolve(), Path(target), lang, chromium, sync_playwright)
    # Playwright's sync API refuses to run inside a running event loop (a notebook's kernel, a
    # browser session already open in the caller): print on a thread of its own.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(_print, Path(page).resolve(), Path(target), lang, chromium, sync_playwright).result()


def _print(page: Path, target: Path, lang: str | None, chromium: Path, sync_playwright: Any) -> Path:
    root = _site_root(page).as_posix().rstrip("/") + "/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"])
        try:
            tab = browser.new_page()
            tab.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                      else route.abort())
            tab.goto(page.as_uri(), wait_until="load")
            tab.evaluate(_EAGER_IMAGES_SCRIPT)  # the figures are loaded lazily on screen: all of them on paper
            if lang not in ("fr", "en"):
                lang = "en" if (tab.evaluate("document.documentElement.lang") or "").startswith("en") else "fr"
            css = print_css()
            tab.evaluate(_STYLE_SCRIPT, [css, css.splitlines()[0]])
            tab.evaluate(_UNLINK_SCRIPT, [root, text("print.site_link", lang)])
            tab.pdf(path=str(target), format="A4", print_background=True, margin=PAGE_MARGINS,
                    display_header_footer=True, header_template="<span></span>",
                    footer_template=footer_template(lang))
        finally:
            browser.close()
    return target
