"""Find what a page would load from the network: its ``<script src>``/``<link href>`` tags and every external URL.

:func:`relais_analysis.outputs.offline.inline_assets` uses :class:`TagFinder` to swap
CDN tags for vendored files, then :func:`external_urls` to prove nothing external
remains (attributes, also inside JS strings, CSS ``url()``/``@import``, and JS string
literals that are a URL).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["TagFinder", "external_urls"]

_HOST = r"[A-Za-z0-9\[]"  # first character of a host after "//"
_EXTERNAL = rf"(?:https?:)?//{_HOST}"
_EXTERNAL_PATTERNS: tuple[re.Pattern[str], ...] = (
    # attributes, also inside JS strings where quotes are escaped (src=\"https://...\")
    re.compile(
        r"\b(?:src|href|srcset|poster|action|formaction|background|data|xlink:href)"
        rf"\s*=\s*\\?[\"']?\s*({_EXTERNAL}[^\s\"'<>\\]*)",
        re.IGNORECASE,
    ),
    # CSS url(...) and @import "..."
    re.compile(rf"url\(\s*\\?[\"']?\s*({_EXTERNAL}[^\s\"')\\]*)", re.IGNORECASE),
    re.compile(rf"@import\s+\\?[\"']\s*({_EXTERNAL}[^\s\"'\\]*)", re.IGNORECASE),
    # JS string literals that are a URL (tile layers, image overlays, fetch(...))
    re.compile(rf"[\"'`]\s*({_EXTERNAL}[^\s\"'`\\]*)"),
)
_URL_ATTRIBUTES = frozenset({"src", "href", "srcset", "poster", "data", "action", "formaction"})


class TagFinder(HTMLParser):
    """Locate ``<script src>`` elements and ``<link href>`` tags with their offsets."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_starts = [0] + [m.end() for m in re.finditer(r"\n", source)]
        self._source = source
        self._open_script: tuple[int, str] | None = None
        #: (start, end, url) of each element loading an external resource
        self.loads: list[tuple[int, int, str]] = []
        #: every src/href attribute value of a real tag
        self.attributes: list[str] = []

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        end = start + len(self.get_starttag_text() or "")
        values = {name: value or "" for name, value in attrs}
        self.attributes.extend(
            value for name, value in attrs if name in _URL_ATTRIBUTES and value
        )
        if tag == "script" and values.get("src"):
            self._open_script = (start, values["src"].strip())
        elif tag == "link" and values.get("href"):
            self.loads.append((start, end, values["href"].strip()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open_script is not None:
            start, url = self._open_script
            end = self._source.index(">", self._offset()) + 1
            self.loads.append((start, end, url))
            self._open_script = None


def external_urls(html: str) -> list[str]:
    """External URLs (http, https, protocol-relative) that ``html`` would load or link."""
    finder = TagFinder(html)
    finder.feed(html)
    finder.close()
    found = [v for v in finder.attributes if re.match(_EXTERNAL, v.strip())]
    for pattern in _EXTERNAL_PATTERNS:
        found.extend(m.group(1) for m in pattern.finditer(html))
    return sorted(set(found))
