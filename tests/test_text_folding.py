"""The package's one accent folding (:mod:`relais_analysis.text_folding`) and the import graph it allowed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from relais_analysis.intake.schema import fold
from relais_analysis.text_folding import plain, strip_accents

PACKAGE = Path(__file__).resolve().parents[1] / "relais_analysis"


def _imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at module level or inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_accent_removal_is_written_once():
    offenders = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "text_folding.py" and any(form in path.read_text(encoding="utf-8") for form in ('"NFKD"', '"NFD"'))
    )
    assert offenders == [], f"use relais_analysis.text_folding.strip_accents in {offenders}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Écaussinnes", "Ecaussinnes"),
        ("Bütgenbach", "Butgenbach"),
        ("Œuvre", "uvre"),  # no decomposition: dropped, as before the refactoring
        ("ﬁn", "fin"),  # compatibility ligature
        ("12\u00a0€", "12 "),  # the no-break space decomposes to a space, the euro sign has no ASCII form
    ],
)
def test_strip_accents(text, expected):
    assert strip_accents(text) == expected


def test_plain_reads_typographic_punctuation_as_plain():
    assert plain("l’été – «\u202fWépion\u202f»") == "l'ete - \" Wepion \""
    assert strip_accents("l’été –") == "lete "  # without plain, the apostrophe and dash vanish
    assert fold("L’ÉTÉ") == fold("l'ete") == "l_ete"


def test_privacy_masked_is_a_leaf():
    """i18n imports the sentinel: privacy/masked.py may use config, errors and the text catalogue only (whose
    package imports config and errors only), or i18n would import itself back."""
    package_imports = {m for m in _imported_modules(PACKAGE / "privacy" / "masked.py") if m.startswith("relais_analysis")}
    assert {m.rsplit(".", 1)[0] if m.count(".") > 1 else m for m in package_imports} <= {
        "relais_analysis.config",
        "relais_analysis.errors",
        "relais_analysis.texts",
    }
    texts = {m for m in _imported_modules(PACKAGE / "texts" / "__init__.py") if m.startswith("relais_analysis")}
    assert {m.rsplit(".", 1)[0] if m.count(".") > 1 else m for m in texts} <= {
        "relais_analysis.config", "relais_analysis.errors"}


def test_geography_imports_in_one_direction():
    reference = _imported_modules(PACKAGE / "geography" / "reference.py")
    names = _imported_modules(PACKAGE / "geography" / "names.py")
    resolve = _imported_modules(PACKAGE / "geography" / "resolve.py")
    assert not any(m.startswith("relais_analysis.geography.resolve") for m in reference | names)
    assert "relais_analysis.geography.reference" in resolve
    assert not any(m.startswith("relais_analysis.intake") for m in reference | names | resolve)  # stage 0 before stage 2
