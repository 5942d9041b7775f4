"""Tests of relais_analysis.i18n: labels and Babel number formatting (fr default, en)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from relais_analysis.errors import ParameterError
from relais_analysis.i18n import (
    ACTIVITY_TYPES,
    LABELS,
    NO_DATA,
    SUPPORTED_LANGS,
    check_lang,
    format_date,
    format_decimal,
    format_int,
    format_km,
    format_percent,
    label,
    matplotlib_formatter,
    province_label,
)
from relais_analysis.privacy.masked import SUPPRESSED
from paths import ROOT

NNBSP = "\u202f"  # narrow no-break space: Babel's French thousands separator
NBSP = "\u00a0"  # no-break space: before % and units


def test_languages():
    # every supported language is accepted, French is the default, and each formats numbers its own way
    assert [check_lang(lang) for lang in SUPPORTED_LANGS] == list(SUPPORTED_LANGS)
    assert check_lang("fr") == "fr" and check_lang("en") == "en"
    assert format_int(1500) == format_int(1500, "fr") == f"1{NNBSP}500"
    assert len({format_int(1500, lang) for lang in SUPPORTED_LANGS}) == len(SUPPORTED_LANGS)
    for bad in ("FR", "nl", "", None):
        with pytest.raises(ParameterError, match="fr, en"):
            check_lang(bad)


@pytest.mark.parametrize(
    ("value", "fr", "en"),
    [
        (0, "0", "0"),
        (7, "7", "7"),
        (1500, f"1{NNBSP}500", "1,500"),
        (1234567, f"1{NNBSP}234{NNBSP}567", "1,234,567"),
        (-1500, f"-1{NNBSP}500", "-1,500"),
        (np.int64(1500), f"1{NNBSP}500", "1,500"),
        (1500.0, f"1{NNBSP}500", "1,500"),
        (2.5, "2", "2"),  # half to even
        (3.5, "4", "4"),
    ],
)
def test_format_int(value, fr, en):
    assert format_int(value) == fr
    assert format_int(value, "fr") == fr
    assert format_int(value, "en") == en


@pytest.mark.parametrize("missing", [None, pd.NA, np.nan, float("nan"), pd.NaT])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_data_is_a_dash_in_every_formatter(missing, lang):
    for function in (format_int, format_decimal, format_percent, format_km, format_date):
        assert function(missing, lang) == NO_DATA == "\u2013"  # the constant is what every formatter prints


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_suppressed_is_the_masked_label(lang):
    for function in (format_int, format_decimal, format_percent):
        assert function(SUPPRESSED, lang) == "n.p."
        assert function(SUPPRESSED, lang, threshold=10) == "n.p."  # true for every masked cell, whatever its value
    assert format_km(SUPPRESSED, lang) == "n.p."


@pytest.mark.parametrize(
    ("share", "decimals", "fr", "en"),
    [
        (0.123, 1, f"12,3{NBSP}%", "12.3%"),
        (0.0, 1, f"0,0{NBSP}%", "0.0%"),
        (1, 1, f"100,0{NBSP}%", "100.0%"),
        (0.5, 0, f"50{NBSP}%", "50%"),
        (0.12345, 2, f"12,34{NBSP}%", "12.34%"),  # 12.345 -> half to even: 12.34
        (12.5, 1, f"1{NNBSP}250,0{NBSP}%", "1,250.0%"),
    ],
)
def test_format_percent(share, decimals, fr, en):
    assert format_percent(share, decimals=decimals) == fr
    assert format_percent(share, "en", decimals) == en


@pytest.mark.parametrize(
    ("value", "decimals", "fr", "en"),
    [
        (3.25, 1, "3,2", "3.2"),  # half to even on the decimal form
        (3.35, 1, "3,4", "3.4"),
        (0.45, 1, "0,4", "0.4"),
        (3, 1, "3,0", "3.0"),
        (1234.5678, 2, f"1{NNBSP}234,57", "1,234.57"),
        (2.5, 0, "2", "2"),
    ],
)
def test_format_decimal(value, decimals, fr, en):
    assert format_decimal(value, decimals=decimals) == fr
    assert format_decimal(value, "en", decimals) == en


def test_format_km():
    assert format_km(12.34) == f"12,3{NBSP}km"
    assert format_km(12.34, "en") == f"12.3{NBSP}km"
    assert format_km(1250, "fr", 0) == f"1{NNBSP}250{NBSP}km"


@pytest.mark.parametrize(
    ("value", "fr", "en"),
    [
        (dt.date(2025, 10, 31), "31 octobre 2025", "31 October 2025"),
        (dt.datetime(2025, 10, 31, 23, 59), "31 octobre 2025", "31 October 2025"),
        (pd.Timestamp("2025-10-31"), "31 octobre 2025", "31 October 2025"),
        ("2025-10-31", "31 octobre 2025", "31 October 2025"),
        (dt.date(2026, 2, 1), "1er février 2026", "1 February 2026"),
        (dt.date(2026, 8, 15), "15 août 2026", "15 August 2026"),
    ],
)
def test_format_date(value, fr, en):
    assert format_date(value) == fr
    assert format_date(value, "en") == en


@pytest.mark.parametrize(
    "call",
    [
        lambda: format_int(1500, "nl"),
        lambda: format_percent(0.1, "de"),
        lambda: format_decimal(1.0, "FR"),
        lambda: format_km(1.0, "es"),
        lambda: format_date(dt.date(2025, 1, 1), "nl"),
        lambda: label("parents", "nl"),
        lambda: province_label("50000", "nl"),
        lambda: format_int("1500"),
        lambda: format_int(True),
        lambda: format_decimal(1.0, decimals=-1),
        lambda: format_percent(0.1, decimals=1.5),
        lambda: format_date("31/10/2025"),
        lambda: format_date(20251031),
    ],
)
def test_invalid_arguments_raise_parameter_error(call):
    with pytest.raises(ParameterError):
        call()


def _label_keys_asked_for() -> dict[str, list[str]]:
    """Keys the package passes as a literal to ``label(...)`` or ``i18n.label(...)``, with where (file:line)."""
    import ast

    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "relais_analysis").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name == "label" and isinstance(node.args[0].value, str):
                found.setdefault(node.args[0].value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_label_the_package_asks_for_exists_in_both_languages():
    # the call sites, read from the source: a key mistyped in a chart or a map fails here, not in a user's report
    asked = _label_keys_asked_for()
    assert len(asked) >= 10, asked  # charts, maps, narrative and report pages ask for labels
    assert {key: where for key, where in asked.items() if key not in LABELS} == {}
    for key in asked:
        assert all(label(key, lang) for lang in SUPPORTED_LANGS), key


def test_numbers_inside_labels_are_written_as_babel_writes_them():
    # e.g. "10 000 habitants": the thousands separator is the one Babel prints in that language (a narrow no-break
    # space in French), computed here by Babel itself, so a label typed with a plain space fails
    from babel.numbers import format_decimal as babel_decimal

    from relais_analysis.i18n import LOCALES

    checked = 0
    for key, texts in LABELS.items():
        for lang, text in texts.items():
            for number in re.findall(r"\d(?:[\d\s,.\u00a0\u202f]*\d)?", text):
                assert number == babel_decimal(int(re.sub(r"\D", "", number)), locale=LOCALES[lang]), (key, lang)
                checked += 1
    assert checked >= 4  # reach_rate and reach_rate_households, in both languages


def test_activity_types_have_distinct_labels_in_each_language():
    # a chart by activity type never shows two bars under one name
    for lang in SUPPORTED_LANGS:
        names = [label(code, lang) for code in ACTIVITY_TYPES]
        assert len(set(names)) == len(names) == 8 and all(name == name.strip() for name in names), lang


def test_activity_types_match_the_input_vocabulary():
    from relais_analysis.intake import schema

    assert tuple(schema.ACTIVITY_TYPES) == ACTIVITY_TYPES


def test_every_label_exists_in_both_languages():
    for key, texts in LABELS.items():
        assert set(texts) == set(SUPPORTED_LANGS), key
        assert all(text and text == text.strip() for text in texts.values()), key


def test_unknown_label_is_a_key_error_with_suggestions():
    with pytest.raises(KeyError, match="'parent'.*Did you mean: parents"):
        label("parent")
    with pytest.raises(KeyError, match="Unknown label key"):
        label("nonsense")


@pytest.mark.parametrize(
    ("nis", "fr", "en"),
    [
        (20002, "Brabant wallon", "Walloon Brabant"),
        ("20002", "Brabant wallon", "Walloon Brabant"),
        (50000, "Hainaut", "Hainaut"),
        (60000, "Liège", "Liège"),
        (80000, "Luxembourg", "Luxembourg"),
        (90000, "Namur", "Namur"),
        ("03000", "Wallonie", "Wallonia"),
        (3000, "Wallonie", "Wallonia"),
    ],
)
def test_province_label(nis, fr, en):
    assert province_label(nis) == fr
    assert province_label(nis, "en") == en


@pytest.mark.parametrize("bad", [10000, "21000", "Namur", None])
def test_unknown_province_lists_the_codes(bad):
    with pytest.raises(ParameterError, match="20002, 50000, 60000, 80000, 90000"):
        province_label(bad)


def test_matplotlib_formatter():
    from matplotlib.ticker import FuncFormatter

    formatter = matplotlib_formatter()
    assert isinstance(formatter, FuncFormatter)
    assert formatter(1500.0, 0) == f"1{NNBSP}500"
    assert matplotlib_formatter("int", "en")(1500.0, 0) == "1,500"
    assert matplotlib_formatter("percent", "fr", 0)(0.25, 0) == f"25{NBSP}%"
    assert matplotlib_formatter("percent", "en")(0.25, 0) == "25.0%"
    assert matplotlib_formatter("decimal", "fr", 2)(3.14159, 0) == "3,14"
    assert matplotlib_formatter("km")(12.34, 0) == f"12,3{NBSP}km"
    with pytest.raises(ParameterError, match="int, decimal, percent, km"):
        matplotlib_formatter("money")
    with pytest.raises(ParameterError):
        matplotlib_formatter("int", "nl")


def test_matplotlib_formatter_on_a_real_axis():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        ax.plot([0, 3000], [0, 0.5])
        ax.xaxis.set_major_formatter(matplotlib_formatter("int"))
        ax.yaxis.set_major_formatter(matplotlib_formatter("percent", decimals=0))
        fig.canvas.draw()
        xs = [t.get_text() for t in ax.get_xticklabels()]
        ys = [t.get_text() for t in ax.get_yticklabels()]
    finally:
        plt.close(fig)
    assert f"2{NNBSP}000" in xs
    assert f"50{NBSP}%" in ys
