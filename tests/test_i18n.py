"""Tests of relais_analysis.i18n: labels and Babel number formatting (fr default, en)."""

from __future__ import annotations

import datetime as dt

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


def test_labels_required_by_charts_maps_and_reports():
    expected_fr = {
        "parents": "Parents",
        "children": "Enfants",
        "families": "Familles",
        "attendances": "Participations",
        "activities": "Activités",
        "new_parents": "Nouveaux parents",
        "returning_parents": "Parents revenus",
        "retention": "Taux de rétention",
        "share_women": "Part de femmes",
        "population": "Population",
        "covered": "Couverte",
        "not_covered": "Non couverte (zone blanche)",
        "no_data": "Pas de données",
        "distance_km": "Distance au relais le plus proche (km)",
        "reach_rate": f"Parents touchés pour 10{NNBSP}000 habitants",
        "reach_rate_households": "Parents touchés pour 100 ménages monoparentaux",
        "relay": "Relais",
        "relays": "Relais",
        "province": "Province",
        "wallonia": "Wallonie",
        "year": "Année",
        "commune": "Commune",
        "source": "Source",
        "synthetic_data": "données synthétiques",
        "masked": "non publié",
    }
    for key, text in expected_fr.items():
        assert label(key) == text
        assert label(key, "fr") == text
    assert label("synthetic_data", "en") == "synthetic data"
    assert label("reach_rate", "en") == "Parents reached per 10,000 inhabitants"
    assert label("wallonia", "en") == "Wallonia"
    assert label("children", "en") == "Children"


def test_activity_type_labels():
    expected = {
        "atelier_creatif": ("Atelier créatif", "Creative workshop"),
        "sortie_culturelle": ("Sortie culturelle", "Cultural outing"),
        "plein_air": ("Activité de plein air", "Outdoor activity"),
        "sejour": ("Séjour", "Group stay"),
        "rencontre": ("Rencontre / café-papote", "Meet-up / coffee chat"),
        "information": ("Séance d'information", "Information session"),
        "evenement": ("Événement", "Event"),
        "autre": ("Autre", "Other"),
    }
    assert ACTIVITY_TYPES == tuple(expected)
    for key, (fr, en) in expected.items():
        assert (label(key), label(key, "en")) == (fr, en)


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
