"""Messages of the collection and outcome stages, now in the text catalogue (issue 10).

The catalogue files of the relay workbooks, the outcomes and the demo: every key is used by
the package (no orphan text left behind by a move), and the errors built from several texts
say the same thing in each language.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from relais_analysis import i18n
from relais_analysis.errors import InputDataError
from relais_analysis.outcomes.instruments import InstrumentError, bundled_dir, load_instrument
from relais_analysis.workbooks.assemble import assemble

PACKAGE = Path(i18n.__file__).parent
#: Catalogue files written when these stages left the not-yet-migrated set.
DOMAINS = ("workbook", "workbook_error", "workbook_feedback", "outcome_error", "outcome_cli", "outcome_group",
           "instrument_error", "questionnaire_error", "questionnaire", "demo")


def _source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))


def test_every_key_of_these_domains_is_used_by_the_package() -> None:
    source = _source()
    unused = []
    for domain in DOMAINS:
        keys = i18n.text_keys(f"{domain}.")
        assert keys, domain
        for key in keys:
            parts = key.split(".")
            # the key is named in full, or by its tail after a prefix the module adds (_text("check.year"))
            tails = [".".join(parts[i:]) for i in range(len(parts))]
            if not any(re.search(rf"[\"']{re.escape(t)}[\"']", source) for t in tails):
                unused.append(key)
    assert unused == []


def test_orphan_finder_sees_a_missing_key() -> None:
    assert not re.search(r"[\"']no_such_text_anywhere[\"']", _source())


def _broken_djg6(tmp_path: Path) -> Path:
    data = yaml.safe_load((bundled_dir() / "djg6.yaml").read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    first = next(iter(broken["subscales"]))
    broken["subscales"][first]["max"] = 99
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    return path


def test_instrument_range_error_names_the_subscale_in_each_language(tmp_path: Path) -> None:
    with pytest.raises(InstrumentError) as info:
        load_instrument(_broken_djg6(tmp_path))
    fr, en = info.value.message_fr, info.value.message_en
    assert fr.startswith("Définition d'instrument invalide : sous-échelle ")
    assert "les points des items donnent" in fr and "le fichier annonce 0-99" in fr
    assert en.startswith("Invalid instrument definition: subscale ")  # was "sous-échelle" in English
    assert "item points give" in en and "the file states 0-99" in en
    assert "broken.yaml" in str(info.value)


def test_no_workbook_error_is_english_in_english(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    with pytest.raises(InputDataError) as info:
        assemble(tmp_path / "in", tmp_path / "out")
    assert info.value.message_fr.endswith("(dossier vide).")
    assert info.value.message_en.endswith("(empty folder).")
