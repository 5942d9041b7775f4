"""Tests of the text catalogue (relais_analysis/texts/*.toml) and of its use by the outputs side.

The catalogue holds every word a reader sees, French and English side by side; these
tests check its shape (both languages, same fields, unique keys, no drifted copies),
the access functions of :mod:`relais_analysis.i18n`, and that the migrated modules no
longer hold French text of their own (an AST scan with a small, explicit allow-list).
"""

from __future__ import annotations

import ast
import re
import string
import tomllib
from pathlib import Path

import pytest

from relais_analysis import i18n
from relais_analysis.errors import ParameterError

PACKAGE = Path(i18n.__file__).parent
TEXTS = PACKAGE / "texts"

#: Every module of the package is scanned (issue 10: no user-visible French string outside the catalogue).
MIGRATED = sorted(PACKAGE.rglob("*.py"))

#: French-looking strings that are not reader text, with why.
ALLOWED: dict[str, set[str]] = {
    # column names of the input contract / table layout, and SVG group ids
    "outputs/static_map.py": {"communes", "communes-masked"},
    "indicators/tables.py": {"communes"},
    # the organisation's name, stripped from relay names by a regular expression
    "outputs/charts/cells.py": {r"^Relais Familles Mono\s*[–-]\s*"},
    # the relay workbook's input contract: sheet names, the Lisez-moi labels the reader looks for,
    # the wave values validate reads back (column headers are in the LAYOUT / QUESTIONNAIRE_BASE tables)
    "workbooks/layout.py": {"Code du relais", "Données synthétiques", "entrée", "Activités", "Présences"},
    # wave spellings accepted in the questionnaires table (input contract)
    "outcomes/validate.py": {"entrée", "début"},
    # fragment of intake's rejection reasons that the feedback recognises (matched, never shown)
    "workbooks/feedback.py": {"valeur non reconnue"},
    # the command named in dataset.json; the pattern of intake's duplicate reason that assemble rewrites
    "workbooks/assemble.py": {"relais assemble", r"\(déjà à la ligne (\d+)\)"},
    # synthetic demo data, French as social workers type it: relay names, a workbook's file name, free-text
    # remarks, headers of the two workbooks not made from the template, a wave label
    "demo/dataset.py": {"Relais Familles Mono – {town}"},
    "demo/workbooks.py": {"Tournai export présences.xlsx", "annulée puis reportée", "vient avec une voisine", "entrée",
                          "Activité", "Code activité", "Type d’activité", "Relais"},
    # the tables' French sheet names, as a workbook must spell them (accepted at intake)
    "intake/readers.py": {"Activités, Participants, Présences, Relais, Territoires"},
    # regular expressions that recognise street addresses and full names in the values people type
    "intake/personal_data.py": {
        r"(?:^|\s)(?:rue|avenue|av\.|chauss[ée]e|boulevard|bd|chemin|route|all[ée]e|impasse|quai|place|drève|straat)"
        r"\s+\S+.*\d|^\d+\s*,?\s*(?:rue|avenue|chauss[ée]e|boulevard|chemin|route|place)\s",
        r"^[A-ZÀ-Ý][A-Za-zà-ÿ'-]+(?:\s+[A-ZÀ-Ý][A-Za-zà-ÿ'-]+)+$",
    },
    # header aliases accepted at intake (French headers as social workers type them); the data package's English title
    "intake/schema.py": {"relais", "du", "enfants", "Relais Familles Mono: input data contract"},
    # the command's name
    "cli.py": {"relais"},
    # a prefix people type before a province's name ("province du Luxembourg"), stripped before matching
    "geography/reference.py": {"province du "},
    # the file name of a report's interactive map (a link target)
    "report/site_pages.py": {"carte.html"},
    "report/content.py": {"carte.html"},
    # the organisation's name, stripped from relay names by a regular expression
    "indicators/relay_comparison.py": {r"^\s*Relais\s+Familles\s+Mono\s*[–—-]\s*"},
    # file-system names: a relay folder whose code keeps no Latin letter, the temporary map file
    "privacy/publication.py": {"relais"},
    "report/exploration.py": {"carte.html"},
    # the folder of the relay sheets in the published tree (part of their URLs), not reader text
    "report/jobs.py": {"relais"},
}
#: Assignments whose strings are data, not reader text (the causal-wording checker's list).
ALLOWED_ASSIGNMENTS = {
    "FORBIDDEN_PHRASES",
    # workbooks/: the relay workbook's input contract (sheets, headers) and the reason fragments feedback matches
    "LAYOUT", "QUESTIONNAIRE_BASE", "_REASON_NEEDLES",
    # synthetic demo data: activity titles, host organisations, planted errors (demo/)
    "_DEMO_TITLES", "_DEMO_RELAYS", "PLANTED",
    # intake/schema.py: the spellings accepted for activity types, roles and genders (what people type)
    "ACTIVITY_TYPES", "ROLES", "GENDERS",
    # config.py: the provinces' official French names (matched against what people type; the readers' names are
    # province.*), and the title of a cited source, quoted as its publisher (IWEPS) titles it
    "PROVINCES", "SINGLE_PARENT_HOUSEHOLDS_SOURCE",
}
#: Modules whose error messages are left out of the scan: none (every message is in the catalogue).
ERRORS_NOT_MIGRATED: set[str] = set()

_FRENCH = re.compile(
    r"[àâçéèêëîïôûùüÿœÀÂÇÉÈÊËÎÏÔÛÙÜŸŒ]"
    r"|(?<![\w-])(le|la|les|des|du|une|et|pour|par|sur|dans|avec|aucun|aucune|pas|non|données|relais"
    r"|enfants|année|carte|limite|nombre|touchés)(?![\w-])",
    re.IGNORECASE,
)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _file_keys(path: Path) -> list[str]:
    keys: list[str] = []

    def walk(table: dict, prefix: str) -> None:
        for name, value in table.items():
            if "fr" in value or "en" in value:
                keys.append(f"{prefix}.{name}")
            else:
                walk(value, f"{prefix}.{name}")

    walk(tomllib.loads(path.read_text(encoding="utf-8")), path.stem)
    return keys


# --------------------------------------------------------------------------- the catalogue


def test_every_key_has_both_languages_non_empty() -> None:
    texts = i18n.catalogue()
    assert len(texts) > 150
    for key, pair in texts.items():
        assert set(pair) == {"fr", "en"}, key
        for lang in ("fr", "en"):
            assert pair[lang].strip(), f"{key} [{lang}] is empty"


def test_format_fields_match_between_languages() -> None:
    for key, pair in i18n.catalogue().items():
        assert _fields(pair["fr"]) == _fields(pair["en"]), key


def test_keys_unique_across_files_and_every_file_loaded() -> None:
    files = sorted(TEXTS.glob("*.toml"))
    assert {f.stem for f in files} >= {"label", "chart", "map", "narrative", "table", "outcome", "province", "punct"}
    per_file = [key for path in files for key in _file_keys(path)]
    assert len(per_file) == len(set(per_file))
    assert per_file == list(i18n.catalogue())  # nothing lost, nothing added, file order kept


def test_no_drifted_copies() -> None:
    """Two texts that differ only by the kind of space are one text written twice: keep one."""
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    for key, pair in i18n.catalogue().items():
        for lang, value in pair.items():
            folded = re.sub(r"[\u00a0\u202f ]+", " ", value).strip()
            if (lang, folded) in seen:
                other_key, other = seen[(lang, folded)]
                assert other == value, f"{key} and {other_key} [{lang}]: {value!r} != {other!r}"
            else:
                seen[(lang, folded)] = (key, value)


def test_french_thousands_use_narrow_no_break_space() -> None:
    for key, pair in i18n.catalogue().items():
        assert not re.search(r"\d[ \u00a0]\d{3}\b", pair["fr"]), f"{key}: group thousands with U+202F"
    assert i18n.label("reach_rate") == "Parents touchés pour 10\u202f000 habitants"


# --------------------------------------------------------------------------- access


def test_text_fills_fields_and_checks_language() -> None:
    assert i18n.text("chart.partial_year", "fr", year=2024) == "2024\u00a0: année incomplète (données partielles)"
    assert i18n.text("chart.partial_year", "en", year=2024) == "2024: incomplete year (partial data)"
    assert i18n.text_pair("chart.of_parents", n="12") == ("sur 12 parents", "of 12 parents")
    with pytest.raises(ParameterError):
        i18n.text("chart.of_parents", "nl", n="12")


def test_unknown_key_and_missing_field_are_clear() -> None:
    with pytest.raises(KeyError, match="chart.title_per_year"):
        i18n.text("chart.title_per_yaer")
    with pytest.raises(KeyError, match=r"needs the fields \['year'\]"):
        i18n.text("chart.partial_year", "fr")


def test_labels_and_templates_are_views_of_the_catalogue() -> None:
    assert i18n.label("commune", "en") == i18n.text("label.commune", "en") == "Municipality"
    assert dict(i18n.LABELS["parents"]) == {"fr": "Parents", "en": "Parents"}
    assert list(i18n.LABELS) == [k.removeprefix("label.") for k in i18n.text_keys("label.")]
    assert i18n.templates("outcome.chart.", "fr")["pairs"] == "{n} paires"
    assert i18n.province_label("20002", "en") == "Walloon Brabant"
    with pytest.raises(TypeError):
        i18n.catalogue()["label.parents"]["fr"] = "x"  # type: ignore[index]


def test_map_indicators_and_table_titles_come_from_the_catalogue() -> None:
    from relais_analysis.indicators import tables
    from relais_analysis.outputs.map_layers import INDICATORS

    for _, _, key in INDICATORS.values():
        assert key in i18n.catalogue()
    assert tables.TABLE_TITLES["retention"] == dict(i18n.catalogue()["table.retention"])
    assert tables.table_title("outcomes_waves_x", "en", {"x": "X-1"}) == "answers per wave: X-1"


# --------------------------------------------------------------------------- migrated modules


def _is_error_call(node: ast.AST) -> bool:
    """Arguments of ``SomethingError(...)``: bilingual messages of the errors, migrated separately."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name.endswith("Error")


def _french_strings(path: Path) -> list[str]:
    return _french_strings_in(path.read_text(encoding="utf-8"), path.relative_to(PACKAGE).as_posix())


def _french_strings_in(source: str, relative: str) -> list[str]:
    """French-looking string constants of ``source`` (module ``relative``), docstrings and allowed ones apart."""
    tree = ast.parse(source)
    skip_errors = relative in ERRORS_NOT_MIGRATED
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            skip.add(id(body[0].value))  # docstrings
        targets = node.targets if isinstance(node, ast.Assign) else []
        targets = [node.target] if isinstance(node, ast.AnnAssign) else targets
        data = any(isinstance(t, ast.Name) and t.id in ALLOWED_ASSIGNMENTS for t in targets)
        if data or (skip_errors and _is_error_call(node)):
            skip.update(id(n) for n in ast.walk(node))
    allowed = ALLOWED.get(relative, set())
    return [
        f"{relative}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        and _FRENCH.search(node.value) and node.value not in allowed
    ]


def test_scan_finds_french_text() -> None:
    """The scan itself: an inline French label or error message is found, a docstring is not."""
    source = ('"""Module docstring, en français."""\n'
              'TITLE = {"fr": "Parents touchés", "en": "Parents reached"}\n'
              'raise ParameterError("Valeur inconnue pour la carte.", "Unknown value for the map.")\n')
    assert _french_strings_in(source, "outputs/sample.py") == [
        "outputs/sample.py:2: 'Parents touchés'", "outputs/sample.py:3: 'Valeur inconnue pour la carte.'"]
    assert len(_french_strings_in(source, "outcomes/sentences.py")) == 2  # no module's errors are exempt now


@pytest.mark.parametrize("path", MIGRATED, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_french_text_left_in_migrated_module(path: Path) -> None:
    assert _french_strings(path) == []


def test_static_map_imports_no_private_name() -> None:
    tree = ast.parse((PACKAGE / "outputs" / "static_map.py").read_text(encoding="utf-8"))
    private = [alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
               for alias in node.names if alias.name.startswith("_") and alias.name != "__future__"]
    assert private == []


@pytest.mark.parametrize("package", ["charts", "maps"])
def test_split_modules_stay_small(package: str) -> None:
    folder = PACKAGE / "outputs" / package
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in folder.glob("*.py")}
    assert len(sizes) >= 5
    assert max(sizes.values()) <= 420, sizes
