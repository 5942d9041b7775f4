"""Figure sheets added to a report's workbook in one save (``published_xlsx.batched_sheets``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from relais_analysis.errors import PrivacyError
from relais_analysis.privacy import published_xlsx
from relais_analysis.privacy.published_xlsx import add_sheets, batched_sheets


def _cells(path: Path) -> list:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return [(ws.title, ws.freeze_panes, [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()])
            for ws in book.worksheets]


def _calls(path: Path) -> None:
    years = pd.DataFrame({"year": [2023, 2024], "parents": [120, 150]})
    gender = pd.DataFrame({"women": [130], "men": [20], "share_women": [0.8667]})
    add_sheets({"a": years}, path, titles={"a": "Par année"}, threshold=5, count_columns={"a": ["parents"]})
    add_sheets({"b": gender}, path, titles={"b": "Par genre"}, threshold=5, count_columns={"b": ["women", "men"]})
    add_sheets({"a": years.assign(parents=[121, 150])}, path, titles={"a": "Par année"}, threshold=5,
               count_columns={"a": ["parents"]})  # the same table again replaces it


def test_batched_sheets_give_the_workbook_of_one_call_each(tmp_path: Path, monkeypatch) -> None:
    one_by_one, batched = tmp_path / "one.xlsx", tmp_path / "batched.xlsx"
    _calls(one_by_one)
    saves = []
    real_save = published_xlsx._save
    monkeypatch.setattr(published_xlsx, "_save", lambda book, path: saves.append(path) or real_save(book, path))
    with batched_sheets():
        _calls(batched)
        assert not batched.exists()  # nothing written inside the block
    assert saves == [batched]  # one save at the end
    assert _cells(batched) == _cells(one_by_one)
    assert [t for t, _, _ in _cells(batched)] == ["Par genre", "Par année"]  # a replaced sheet goes last, as before


def test_batched_sheets_still_refuse_a_small_count_at_the_call(tmp_path: Path) -> None:
    with batched_sheets():
        with pytest.raises(PrivacyError):
            add_sheets({"a": pd.DataFrame({"parents": [3]})}, tmp_path / "x.xlsx", titles={"a": "A"}, threshold=5,
                       count_columns={"a": ["parents"]})
    assert not (tmp_path / "x.xlsx").exists()
