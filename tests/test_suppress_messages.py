"""The messages of the privacy and indicator stages come from the catalogue and read as before.

``texts/privacy_error.toml`` and ``texts/indicator_error.toml`` hold the bilingual
messages of :mod:`relais_analysis.privacy` and :mod:`relais_analysis.indicators`;
``texts/privacy.toml`` the footnote of masked cells. The expected texts below are the
messages as the modules wrote them inline before the migration (issue 10): a user
reads exactly the same words, fields filled the same way (``!r`` where the code had it).
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from relais_analysis import i18n
from relais_analysis.errors import ParameterError, PrivacyError
from relais_analysis.indicators import access, communes, planning, rates, trends
from relais_analysis.privacy import checks, export, links, masked
from relais_analysis.privacy.masked import SUPPRESSED
from relais_analysis.privacy.suppress import suppress_small_counts

PACKAGE = Path(i18n.__file__).parent


def _raised(error: type[Exception], call) -> tuple[str, str]:
    with pytest.raises(error) as caught:
        call()
    return caught.value.message_fr, caught.value.message_en


def test_suppression_messages_read_as_before() -> None:
    assert _raised(ParameterError, lambda: suppress_small_counts(pd.DataFrame({"a": [SUPPRESSED, 7]}), ["a"])) == (
        "La colonne 'a' (ligne 0) est déjà masquée : appliquez suppress_small_counts une seule fois, "
        "aux effectifs réels.",
        "Column 'a' (row 0) is already masked: apply suppress_small_counts once, to the true counts.")
    assert _raised(ParameterError, lambda: suppress_small_counts(pd.DataFrame({"a": [1.5, 7]}), ["a"])) == (
        "La colonne 'a' doit contenir des effectifs (entiers >= 0) ; trouvé 1.5 à la ligne 0.",
        "Column 'a' must hold counts (whole numbers >= 0); found 1.5 in row 0.")
    twice = pd.DataFrame({"a": [1, 7]}, index=["t", "t"])
    assert _raised(ParameterError, lambda: suppress_small_counts(twice, ["a"], total_row="t"))[1] == (
        "The total row 't' must appear exactly once in the index (found 2 times).")
    rated = pd.DataFrame({"a": [1, 7], "r": [0.1, 0.2]})
    assert _raised(ParameterError, lambda: suppress_small_counts(rated, ["a"], rate_columns={"r": "b"})) == (
        "Le taux 'r' doit être calculé à partir de colonnes d'effectifs (['a']) ; trouvé ['b'].",
        "Rate 'r' must be computed from count columns (['a']); found ['b'].")
    cross = pd.DataFrame({"a": [3, 10], "b": [10, 0]})
    fr, en = _raised(PrivacyError, lambda: suppress_small_counts(cross, ["a", "b"], additive_columns=True))
    assert fr.startswith("Impossible de masquer la cellule (ligne 0, colonne 'a') sans masquer un zéro : ")
    assert en.endswith("or do not publish row totals (additive_columns=False).")


def test_publication_checks_read_as_before() -> None:
    small = pd.DataFrame({"a": [1, 2, 3, 4, 1, 2, 3, 9]}, index=list("abcdefgh"))
    fr, en = _raised(PrivacyError, lambda: checks.check_publishable(small))
    assert fr == ("La colonne 'a' contient des effectifs entre 1 et 4 aux lignes 'a' (1), 'b' (2), 'c' (3), "
                  "'d' (4), 'e' (1) (+2). Appliquez suppress_small_counts(table, ['a', ...], threshold=5) "
                  "avant de publier.")
    assert en == ("Column 'a' holds counts between 1 and 4 in rows 'a' (1), 'b' (2), 'c' (3), 'd' (4), 'e' (1) "
                  "(+2). Apply suppress_small_counts(table, ['a', ...], threshold=5) before publishing.")
    assert _raised(PrivacyError, lambda: checks.check_publishable(pd.DataFrame({"nom": ["x"]})))[0] == (
        "Colonnes identifiant des personnes, interdites à la publication : ['nom']. "
        "Retirez-les avant de publier (table.drop(columns=...)).")
    assert _raised(ParameterError, lambda: checks.check_columns(pd.DataFrame({"a": [1]}), ["b"])) == (
        "Colonnes absentes du tableau : ['b']. Colonnes présentes : ['a'].",
        "Columns missing from the table: ['b']. Columns present: ['a'].")
    masked_table = suppress_small_counts(pd.DataFrame({"a": [1, 7]}), ["a"])
    assert _raised(ParameterError, lambda: export.resolve_threshold(masked_table, 6)) == (
        "Le tableau a été masqué avec le seuil 5, pas 6.", "The table was masked with threshold 5, not 6.")


def test_threshold_language_and_footnote_read_as_before() -> None:
    assert _raised(ParameterError, lambda: masked.check_threshold(2)) == (
        "Seuil de masquage 2 trop bas : il doit être au moins 3 (valeur par défaut : 5).",
        "Masking threshold 2 is too low: it must be at least 3 (default: 5).")
    assert _raised(ParameterError, lambda: masked.check_threshold(4.5))[1] == (
        "The masking threshold must be a whole number, not 4.5.")
    assert _raised(ParameterError, lambda: masked.footnote(5, "nl")) == (
        "Langue inconnue : 'nl'. Valeurs possibles : fr, en.", "Unknown language: 'nl'. Valid values: fr, en.")
    assert masked.footnote(7) == "n.p.\u00a0: valeur non publiée pour protéger les petits effectifs"
    with pytest.raises(ParameterError, match="at least 3"):
        masked.footnote(2, "en")  # the threshold is still checked


def test_inconsistent_link_names_the_quantity_and_both_tables() -> None:
    tables = {"reach_per_year": pd.DataFrame({"year": [2024], "parents": [10]}),
              "new_vs_returning": pd.DataFrame({"year": [2024], "parents": [11], "new_parents": [5],
                                                "returning_parents": [6]})}
    assert _raised(PrivacyError, lambda: links.build_system({"W": tables}, 2024)) == (
        "Lien incohérent entre tableaux : ('parents', 'W', 2024, '', '') vaut 10 dans ['W/reach_per_year'] "
        "et 11 dans W/new_vs_returning.",
        "Inconsistent link between tables: ('parents', 'W', 2024, '', '') is 10 in ['W/reach_per_year'] "
        "and 11 in W/new_vs_returning.")
    assert links.build_system({"W": tables}, 2024, strict=False).conflicts  # kept apart, not refused


def test_indicator_messages_read_as_before() -> None:
    assert _raised(ParameterError, lambda: access.check_detour_factor(0.5)) == (
        "Facteur de détour invalide : 0.5. Attendu : un nombre >= 1 (1 = ligne droite ; ~1,3 pour la route en "
        "Wallonie rurale).",
        "Invalid detour factor: 0.5. Expected a number >= 1 (1 = straight line; ~1.3 for roads in rural Wallonia).")
    assert _raised(ParameterError, lambda: access.check_radius("x", "radius_km")) == (
        "radius_km invalide : 'x'. Attendu : un nombre de km strictement positif (p. ex. 10).",
        "Invalid radius_km: 'x'. Expected a strictly positive number of km (e.g. 10).")
    assert _raised(ParameterError, lambda: rates._check_count(-1, "population")) == (
        "population invalide : -1. Attendu : un entier positif ou nul.",
        "Invalid population: -1. Expected a non-negative integer.")
    assert _raised(ParameterError, lambda: communes.households_by_commune(pd.DataFrame({"x": [1]}), 2024)) == (
        "Table des ménages invalide : colonnes attendues ['households_single_parent', 'households_total', 'nis'], "
        "trouvé ['x'].",
        "Invalid households table: expected columns ['households_single_parent', 'households_total', 'nis'], "
        "found ['x'].")
    assert _raised(ParameterError, lambda: planning.next_relay_suggestions(None, 2024, k=0)) == (
        "k invalide : 0. Attendu : un entier >= 1.", "Invalid k: 0. Expected an integer >= 1.")
    assert _raised(ParameterError, lambda: trends.programme_trends(object(), dt.date(2024, 12, 31))) == (
        "Les tendances se calculent sur des tableaux protégés.", "Trends are computed from protected tables.")


@pytest.mark.parametrize("domain", ["privacy_error", "indicator_error", "privacy"])
def test_every_text_of_the_new_files_is_used(domain: str) -> None:
    """No orphan: each key of the three files is read by a module of its stage."""
    folders = {"privacy_error": ["privacy"], "indicator_error": ["indicators"], "privacy": ["privacy"]}[domain]
    sources = "".join(p.read_text(encoding="utf-8") for folder in folders for p in (PACKAGE / folder).glob("*.py"))
    keys = i18n.text_keys(domain + ".")
    assert keys
    assert [key for key in keys if f'"{key}"' not in sources] == []


@pytest.mark.parametrize("module", ["privacy/suppress.py", "privacy/checks.py", "privacy/links.py",
                                    "privacy/masked.py", "privacy/equations.py", "privacy/export.py",
                                    "indicators/access.py", "indicators/rates.py", "indicators/communes.py",
                                    "indicators/scope.py", "indicators/planning.py", "indicators/trends.py"])
def test_errors_take_their_messages_from_the_catalogue(module: str) -> None:
    """Every ``...Error(...)`` raised by the migrated modules passes ``*text_pair(...)``, never literal text."""
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    literal = [node.lineno for node in ast.walk(tree)
               if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
               and getattr(node.exc.func, "id", "").endswith("Error") and node.exc.func.id != "TypeError"
               and any(isinstance(arg, (ast.Constant, ast.JoinedStr)) for arg in node.exc.args)]
    assert literal == []
