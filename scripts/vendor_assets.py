"""Vendor the JavaScript/CSS assets that offline folium maps inline.

Usage::

    python scripts/vendor_assets.py            # download from npm, verify, write
    python scripts/vendor_assets.py --check    # verify the committed files only (no network)

Saved folium maps must make no network request (funders open them offline, sometimes
years later), so :mod:`relais_analysis.outputs.offline` replaces every CDN ``<script src>`` and
``<link href>`` by the content of the same file vendored here. This script fetches each
pinned package with ``npm pack NAME@VERSION`` into a temporary folder, checks the
SHA-256 of every file it keeps against the value pinned below (a tampered registry or a
re-published version makes the script fail and write nothing), and writes under
``relais_analysis/vendor/``:

- ``<package>/<file>``: the files, byte-identical to the npm tarball;
- ``<package>/<licence file>``: each package's own licence text;
- ``MANIFEST.json``: package, version, file, source path in the tarball, SHA-256,
  licence, and the CDN URLs that each file replaces in folium/branca output.

Only what folium 0.20 maps built from GeoJson + GeoJsonTooltip + CircleMarker + Popup +
LayerControl + a branca colormap legend need is vendored:

- ``leaflet@1.9.3``: ``dist/leaflet.js``, ``dist/leaflet.css`` and the three images the
  CSS references (``layers.png`` and ``layers-2x.png`` draw the collapsed LayerControl
  toggle; ``marker-icon.png`` is only read by Leaflet to detect its image path). They
  are turned into ``data:`` URIs when the CSS is inlined. ``marker-icon-2x.png`` and
  ``marker-shadow.png`` are not referenced by the CSS and default ``Marker`` icons are
  not supported offline: use ``CircleMarker``.
- ``jquery@3.7.1``: ``dist/jquery.min.js``; folium's ``Popup`` built from a string runs
  ``$(`...`)[0]`` and ``Map`` with ``keep_in_front`` layers runs ``$(document).ready``.
- ``d3@3.5.5``: ``d3.min.js``; branca's ``ColorMap.add_to(map)`` draws its legend with d3 v3.

Bootstrap, Font Awesome, glyphicons and Leaflet.awesome-markers (in ``folium.Map``'s
class-level defaults) are only used by ``folium.Icon`` markers and are not vendored.

Test-only assets (:data:`TEST_PACKAGES`) go to ``tests/vendor/`` with their own
``MANIFEST.json``, never into the installed package:

- ``axe-core@4.14.1``: ``axe.min.js`` (the accessibility engine that
  ``tests/test_accessibility.py`` injects into the published pages), its MPL-2.0
  ``LICENSE`` and ``LICENSE-3RD-PARTY.txt``. The pinned SHA-256 of ``axe.min.js`` is the
  one in the package's own ``sri-history.json``
  (``sha256-KTSJmUUM3yhJqOcLeRL8LahahJ2jnA0NU5T1HUqe2Vw=``).

This script uses the standard library and the ``npm`` client only. After a change,
run ``pytest tests/test_offline.py`` and commit ``relais_analysis/vendor/`` (and
``tests/vendor/`` for the test-only assets).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR_DIR = ROOT / "relais_analysis" / "vendor"
TEST_VENDOR_DIR = ROOT / "tests" / "vendor"


@dataclass(frozen=True)
class Asset:
    """One file to copy out of an npm tarball.

    Attributes
    ----------
    source : str
        Path inside the tarball, below ``package/``.
    target : str
        Path below ``relais_analysis/vendor/<package>/``.
    sha256 : str
        Pinned SHA-256 of the file as published on npm.
    urls : tuple of str
        CDN URLs (as written by folium/branca) that this file replaces; empty for
        licence files and images referenced from CSS.
    """

    source: str
    target: str
    sha256: str
    urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Package:
    """A pinned npm package and the files kept from it."""

    name: str
    version: str
    licence: str
    assets: tuple[Asset, ...]


PACKAGES: tuple[Package, ...] = (
    Package(
        name="leaflet",
        version="1.9.3",
        licence="BSD-2-Clause",
        assets=(
            Asset(
                "dist/leaflet.js",
                "leaflet.js",
                "5819285cec137b229c94e1ee5ad73e8b6b84345a4367d60f75fe477fe0fb7b03",
                (
                    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
                    "https://unpkg.com/leaflet@1.9.3/dist/leaflet.js",
                ),
            ),
            Asset(
                "dist/leaflet.css",
                "leaflet.css",
                "90b693d86392a4779c861b28cf307e7e59c3fb35328c4d8b95f58f814d38c722",
                (
                    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css",
                    "https://unpkg.com/leaflet@1.9.3/dist/leaflet.css",
                ),
            ),
            Asset(
                "dist/images/layers.png",
                "images/layers.png",
                "1dbbe9d028e292f36fcba8f8b3a28d5e8932754fc2215b9ac69e4cdecf5107c6",
            ),
            Asset(
                "dist/images/layers-2x.png",
                "images/layers-2x.png",
                "066daca850d8ffbef007af00b06eac0015728dee279c51f3cb6c716df7c42edf",
            ),
            Asset(
                "dist/images/marker-icon.png",
                "images/marker-icon.png",
                "574c3a5cca85f4114085b6841596d62f00d7c892c7b03f28cbfa301deb1dc437",
            ),
            Asset(
                "LICENSE",
                "LICENSE",
                "97c194191510b19c72d25094922821a888d5d9bafb909ea7a38c9bf5b6c40a08",
            ),
        ),
    ),
    Package(
        name="jquery",
        version="3.7.1",
        licence="MIT",
        assets=(
            Asset(
                "dist/jquery.min.js",
                "jquery.min.js",
                "fc9a93dd241f6b045cbff0481cf4e1901becd0e12fb45166a8f17f95823f0b1a",
                (
                    "https://code.jquery.com/jquery-3.7.1.min.js",
                    "https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js",
                ),
            ),
            Asset(
                "LICENSE.txt",
                "LICENSE.txt",
                "d4db9ebe6f29f5168eac45ad713f055623ac5d0dcd5ba92da23d650ae012020d",
            ),
        ),
    ),
    Package(
        name="d3",
        version="3.5.5",
        licence="BSD-3-Clause",
        assets=(
            Asset(
                "d3.min.js",
                "d3.min.js",
                "c641285840b6477b0e5da33c8e768a4f8de0ba80b24db92218016b6ad8fdc754",
                (
                    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js",
                    "https://cdn.jsdelivr.net/npm/d3@3.5.5/d3.min.js",
                ),
            ),
            Asset(
                "LICENSE",
                "LICENSE",
                "cfbbc38bc63359f41eef41f92314754d6652fd1a17d016de344926d5de34b7d5",
            ),
        ),
    ),
)


#: Used by the tests only (never shipped, never loaded by a published page): written to ``tests/vendor/``.
TEST_PACKAGES: tuple[Package, ...] = (
    Package(
        name="axe-core",
        version="4.14.1",
        licence="MPL-2.0",
        assets=(
            Asset(
                "axe.min.js",
                "axe.min.js",
                "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c",
            ),
            Asset(
                "LICENSE",
                "LICENSE",
                "af175b9d96ee93c21a036152e1b905b0b95304d4ae8c2c921c7609100ba8df7e",
            ),
            Asset(
                "LICENSE-3RD-PARTY.txt",
                "LICENSE-3RD-PARTY.txt",
                "4f8563870d0fca38bbc3e00b6f670cb7fa9f380ba9f26a7f7d1184a6b18b1653",
            ),
        ),
    ),
)


class VendorError(RuntimeError):
    """A download failed or a file does not match its pinned SHA-256."""


def sha256_bytes(data: bytes) -> str:
    """SHA-256 hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def npm_pack(package: Package, dest: Path) -> Path:
    """Download ``package`` from the npm registry as a tarball into ``dest``.

    Raises
    ------
    VendorError
        If ``npm`` is missing or ``npm pack`` fails.
    """
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError("npm not found on PATH: install Node.js/npm to vendor assets.")
    spec = f"{package.name}@{package.version}"
    proc = subprocess.run(
        [npm, "pack", spec, "--json", "--pack-destination", str(dest)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise VendorError(f"`npm pack {spec}` failed:\n{proc.stderr.strip()}")
    filename = json.loads(proc.stdout)[0]["filename"]
    return dest / filename


def extract_assets(package: Package, tarball: Path) -> dict[str, bytes]:
    """Read the pinned files out of ``tarball`` and check their SHA-256.

    Returns
    -------
    dict
        Target path (below the package folder) -> file content.

    Raises
    ------
    VendorError
        If a file is missing from the tarball or its SHA-256 differs from the pin.
    """
    out: dict[str, bytes] = {}
    with tarfile.open(tarball, "r:gz") as tar:
        for asset in package.assets:
            member = f"package/{asset.source}"
            try:
                handle = tar.extractfile(member)
            except KeyError:
                handle = None
            if handle is None:
                raise VendorError(f"{package.name}@{package.version}: {member!r} not in tarball.")
            data = handle.read()
            digest = sha256_bytes(data)
            if digest != asset.sha256:
                raise VendorError(
                    f"{package.name}@{package.version}/{asset.source}: SHA-256 {digest} does not "
                    f"match the pinned {asset.sha256}. The registry served a different file: "
                    "do not vendor it; investigate before changing the pin."
                )
            out[asset.target] = data
    return out


def manifest_entries(packages: tuple[Package, ...] = PACKAGES) -> list[dict[str, object]]:
    """The MANIFEST.json records, one per vendored file, in a stable order."""
    entries: list[dict[str, object]] = []
    for package in packages:
        for asset in package.assets:
            entries.append(
                {
                    "package": package.name,
                    "version": package.version,
                    "file": f"{package.name}/{asset.target}",
                    "source": f"{package.name}@{package.version}/{asset.source}",
                    "sha256": asset.sha256,
                    "licence": package.licence,
                    "urls": list(asset.urls),
                }
            )
    return entries


def write_manifest(vendor_dir: Path, packages: tuple[Package, ...] = PACKAGES) -> None:
    """Write ``MANIFEST.json`` (sorted keys, trailing newline, reproducible)."""
    text = json.dumps({"files": manifest_entries(packages)}, indent=2, sort_keys=True) + "\n"
    (vendor_dir / "MANIFEST.json").write_text(text, encoding="utf-8")


def vendor(vendor_dir: Path = VENDOR_DIR, packages: tuple[Package, ...] = PACKAGES) -> None:
    """Download, verify and write every pinned asset.

    All packages are downloaded and verified before anything is written, so a
    failure leaves the vendored folder untouched.

    Raises
    ------
    VendorError
        If a download fails or a file does not match its pin.
    """
    contents: dict[str, dict[str, bytes]] = {}
    with tempfile.TemporaryDirectory(prefix="relais-vendor-") as tmp:
        for package in packages:
            tarball = npm_pack(package, Path(tmp))
            contents[package.name] = extract_assets(package, tarball)
    for package in packages:
        pkg_dir = vendor_dir / package.name
        if pkg_dir.exists():
            shutil.rmtree(pkg_dir)
        for target, data in contents[package.name].items():
            path = pkg_dir / target
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"  {package.name}@{package.version}  {target:<22} {len(data):>8} bytes")
    write_manifest(vendor_dir, packages)
    shown = vendor_dir.relative_to(ROOT) if vendor_dir.is_relative_to(ROOT) else vendor_dir
    print(f"wrote {shown}")


def check(vendor_dir: Path = VENDOR_DIR, packages: tuple[Package, ...] = PACKAGES) -> list[str]:
    """Compare the vendored files and MANIFEST.json with the pins (no network).

    Returns
    -------
    list of str
        One message per problem; empty when everything matches.
    """
    problems: list[str] = []
    for entry in manifest_entries(packages):
        path = vendor_dir / str(entry["file"])
        if not path.is_file():
            problems.append(f"missing {path}")
        elif sha256_bytes(path.read_bytes()) != entry["sha256"]:
            problems.append(f"{path}: SHA-256 differs from the pin")
    manifest = vendor_dir / "MANIFEST.json"
    expected = json.dumps({"files": manifest_entries(packages)}, indent=2, sort_keys=True) + "\n"
    if not manifest.is_file() or manifest.read_text(encoding="utf-8") != expected:
        problems.append(f"{manifest} is missing or stale: run scripts/vendor_assets.py")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify committed files, no network")
    parser.add_argument("--out", type=Path, default=VENDOR_DIR, help="vendor folder")
    parser.add_argument("--tests-out", type=Path, default=TEST_VENDOR_DIR, help="vendor folder of test-only assets")
    args = parser.parse_args(argv)
    sets = ((args.out, PACKAGES), (args.tests_out, TEST_PACKAGES))
    if args.check:
        problems = [problem for folder, packages in sets for problem in check(folder, packages)]
        for problem in problems:
            print(problem, file=sys.stderr)
        print("vendored assets OK" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0
    try:
        for folder, packages in sets:
            vendor(folder, packages)
    except VendorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
