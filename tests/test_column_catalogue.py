"""One column catalogue (issue 12 section 3, issue 10): published files and exploration notebooks name columns alike."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest

from relais_analysis import i18n
from relais_analysis.privacy.published_columns import COLUMNS, column_entries
from relais_analysis.report.exploration import column_label, french_table


def test_every_published_column_reads_its_headers_from_the_catalogue():
    keys = tomllib.loads((Path(i18n.__file__).parent / "texts" / "column.toml").read_text(encoding="utf-8"))
    assert set(COLUMNS) <= set(keys)
    for name, spec in COLUMNS.items():
        assert (spec.fr, spec.en) == i18n.text_pair(f"column.{name}"), name
        assert spec.unit == "" or i18n.text(f"column_unit.{spec.unit}", "en"), name


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_exploration_and_published_files_use_the_same_headers(lang):
    for name, spec in COLUMNS.items():
        assert column_label(name, lang) == (spec.fr if lang == "fr" else spec.en), name
    frame = pd.DataFrame({"year": [2024], "retention_rate": [0.5], "unknown": [7], "wilcoxon_p": [0.0123]})
    shown = list(french_table(frame, lang).columns)
    published = [c[lang] for c in column_entries(frame)]
    assert [h + " (%)" if c == "retention_rate" else h for c, h in zip(frame.columns, shown)] == published
    assert shown[1] == ("Taux de fidélisation" if lang == "fr" else "Retention rate")


def test_units_are_given_in_french_in_the_manifest():
    entry = {c["name"]: c for c in column_entries(pd.DataFrame({"rate_per_10000": [1.5], "parents": [12]}))}
    assert entry["rate_per_10000"]["unit"] == "pour 10\u202f000 habitants"
    assert entry["parents"]["unit"] == "personnes"
    assert column_label("mystery_column") == "mystery_column"  # unknown columns keep their name
