"""Tests of the small-cell protection: relais_analysis.privacy.masked, suppress, checks and export.

The example tests can be checked by hand. The property tests draw random tables
(up to 6 x 5 counts, with zeros, small counts, larger counts and "no data") and
prove with linear programming that no masked value can be recomputed exactly
from the published cells and totals.
"""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from relais_analysis.errors import ParameterError, PrivacyError
from relais_analysis.privacy.checks import check_publishable, is_identifier_column
from relais_analysis.privacy.export import to_publishable_frame, write_published_csv
from relais_analysis.privacy.masked import SUPPRESSED, footnote, is_suppressed, masked_label
from relais_analysis.privacy.suppress import suppress_small_counts

S = SUPPRESSED
PROVINCES = ["Brabant wallon", "Hainaut", "Liège", "Luxembourg", "Namur"]


def cells(frame: pd.DataFrame, column: str) -> list:
    return frame[column].tolist()


# --------------------------------------------------------------------------- sentinel


def test_sentinel_is_a_well_behaved_singleton():
    assert repr(S) == "SUPPRESSED"
    assert pickle.loads(pickle.dumps(S)) is S
    assert copy.deepcopy(S) is S and copy.copy(S) is S
    assert hash(S) == hash(pickle.loads(pickle.dumps(S)))
    assert bool(S) is True
    assert S == S and S != 5 and not (S == 0)
    assert not (S < 5) and not (S > 5) and not (5 < S)
    assert not pd.isna(S)
    assert is_suppressed(S) and not is_suppressed(0) and not is_suppressed(pd.NA)
    assert not is_suppressed("SUPPRESSED")


def test_sentinel_does_not_crash_pandas():
    s = pd.Series([12, S, 0, pd.NA, S], dtype=object)
    assert (s == 12).tolist() == [True, False, False, False, False]
    assert s.map(is_suppressed).sum() == 2
    assert s.value_counts(dropna=False)[S] == 2
    assert len(s.drop_duplicates()) == 4
    s.astype(str)
    pd.Series([12, S, 40], dtype=object).sort_values()  # NaN-like ordering, no crash
    frame = pd.DataFrame({"n": s})
    assert frame.equals(frame.copy())
    pd.testing.assert_frame_equal(frame, pickle.loads(pickle.dumps(frame)))


# --------------------------------------------------------------------------- examples


def test_province_column_example():
    table = pd.DataFrame({"parents": [12, 3, 40, 0, 7]}, index=PROVINCES)
    result = suppress_small_counts(table, ["parents"])
    # 3 is small (primary); 7 is the smallest other non-zero count (secondary); 0 stays 0
    assert cells(result, "parents") == [12, S, 40, 0, S]
    assert result.attrs == {
        "threshold": 5, "suppressed_primary": 1, "suppressed_secondary": 1, "suppressed_rates": 0,
    }
    assert result["parents"].dtype == object
    assert all(type(v) is int for v in cells(result, "parents") if v is not S)
    assert cells(table, "parents") == [12, 3, 40, 0, 7]  # input untouched


def test_no_data_stays_distinct_from_zero():
    table = pd.DataFrame({"parents": [12, np.nan, 40, 0, 3.0, 8]})
    result = suppress_small_counts(table, ["parents"])
    assert cells(result, "parents")[:4] == [12, pd.NA, 40, 0]
    assert result["parents"].iloc[1] is pd.NA
    assert cells(result, "parents")[4:] == [S, S]


def test_nothing_small_nothing_masked():
    table = pd.DataFrame({"a": [0, 5, 9], "b": [pd.NA, 0, 100]})
    result = suppress_small_counts(table, ["a", "b"], additive_columns=True)
    assert cells(result, "a") == [0, 5, 9] and cells(result, "b") == [pd.NA, 0, 100]
    assert result.attrs["suppressed_primary"] == result.attrs["suppressed_secondary"] == 0


def test_two_small_counts_protect_each_other():
    table = pd.DataFrame({"parents": [12, 3, 40, 1]})
    assert cells(suppress_small_counts(table, ["parents"]), "parents") == [12, S, 40, S]


def test_threshold_is_configurable_but_never_below_3():
    table = pd.DataFrame({"parents": [12, 2, 40, 0, 7, 3]})
    # threshold 3: only 2 is small; 3 is the smallest other non-zero count
    assert cells(suppress_small_counts(table, ["parents"], threshold=3), "parents") == [
        12, S, 40, 0, 7, S,
    ]
    assert cells(suppress_small_counts(table, ["parents"], threshold=10), "parents") == [
        12, S, 40, 0, S, S,
    ]
    for bad in (2, 0, -5, 4.5, "5", True):
        with pytest.raises(ParameterError):
            suppress_small_counts(table, ["parents"], threshold=bad)
        with pytest.raises(ParameterError):
            check_publishable(table, threshold=bad)


def test_total_row_is_published_and_not_a_member():
    table = pd.DataFrame({"parents": [12, 3, 40, 0, 7, 62]}, index=PROVINCES + ["Wallonie"])
    result = suppress_small_counts(table, ["parents"], total_row="Wallonie")
    assert cells(result, "parents") == [12, S, 40, 0, S, 62]


def test_small_total_row_is_masked_too():
    table = pd.DataFrame({"parents": [1, 2, 0, 3]}, index=["a", "b", "c", "Wallonie"])
    result = suppress_small_counts(table, ["parents"], total_row="Wallonie")
    assert cells(result, "parents") == [S, S, 0, S]


def test_cross_tab_example():
    table = pd.DataFrame(
        {"A": [10, 8, 12], "B": [2, 9, 11], "C": [15, 20, 0]}, index=["r1", "r2", "r3"]
    )
    result = suppress_small_counts(table, ["A", "B", "C"], additive_columns=True)
    # 2 is small; column B adds 9, row r1 adds 10, then row r2 (one masked cell: 9) adds 8:
    # a 2 x 2 block whose cells can move by +t/-t without changing any total.
    assert result.loc[["r1", "r2"], ["A", "B"]].map(is_suppressed).all().all()
    assert cells(result, "C") == [15, 20, 0]
    assert cells(result, "A")[2:] == [12] and cells(result, "B")[2:] == [11]
    assert result.attrs["suppressed_primary"] == 1
    assert result.attrs["suppressed_secondary"] == 3


def test_cross_tab_bridge_is_repaired():
    # The rule "0 or >= 2 masked cells per row and column" leaves two 2 x 2 blocks
    # {r0, r1} x {c0, c1} and {r2, r3} x {c2, c3} joined by the single cell (r0, c2) = 3.
    # Summing rows r0 + r1 minus columns c0 + c1 would give it back exactly; the
    # repair masks the cheapest chain that closes a cycle through it: (r0, c3) = 40.
    table = pd.DataFrame(
        [[1, 20, 3, 40], [10, 11, 50, 60], [70, 80, 12, 2], [90, 95, 13, 14]],
        index=["r0", "r1", "r2", "r3"],
        columns=["c0", "c1", "c2", "c3"],
    )
    result = suppress_small_counts(table, list(table.columns), additive_columns=True)
    expected = pd.DataFrame(
        [[S, S, S, S], [S, S, 50, 60], [70, 80, S, S], [90, 95, S, S]],
        index=table.index, columns=table.columns, dtype=object,
    )
    pd.testing.assert_frame_equal(result, expected, check_dtype=True)
    assert result.attrs["suppressed_primary"] == 3
    assert result.attrs["suppressed_secondary"] == 7
    assert_not_recoverable(table, result, list(table.columns), threshold=5,
                           additive_rows=True, additive_columns=True)


def test_cross_tab_that_cannot_be_protected_raises():
    # 3 = 13 - 10 whatever else is masked, because the 0 stays published.
    table = pd.DataFrame({"a": [3, 10], "b": [10, 0]})
    with pytest.raises(PrivacyError, match="zéro"):
        suppress_small_counts(table, ["a", "b"], additive_columns=True)
    # Without published row totals, the columns alone can be protected.
    result = suppress_small_counts(table, ["a", "b"])
    assert cells(result, "a") == [S, S] and cells(result, "b") == [10, 0]


def test_rates_are_masked_with_their_counts():
    table = pd.DataFrame(
        {
            "parents": [12, 3, 40, 0, 7],
            "returning": [6, 1, 20, 0, 5],
            "population": [400_000, 1_300_000, 1_100_000, 290_000, 500_000],
            "reach_rate": [0.3, 0.02, 0.36, 0.0, 0.14],
            "retention": [0.5, 0.33, 0.5, np.nan, 0.71],
        },
        index=PROVINCES,
    )
    result = suppress_small_counts(
        table,
        ["parents", "returning"],
        rate_columns={"reach_rate": "parents", "retention": ["returning", "parents"]},
    )
    assert cells(result, "parents") == [12, S, 40, 0, S]
    assert cells(result, "returning") == [6, S, 20, 0, S]
    assert cells(result, "reach_rate") == [0.3, S, 0.36, 0.0, S]
    assert cells(result, "retention") == [0.5, S, 0.5, pd.NA, S]
    assert cells(result, "population") == cells(table, "population")  # untouched
    assert result["population"].dtype == table["population"].dtype
    assert result.attrs["suppressed_rates"] == 4


@pytest.mark.parametrize(
    "kwargs",
    [
        {"count_columns": ["missing"]},
        {"count_columns": ["parents", "parents"]},
        {"count_columns": ["parents"], "total_row": "Nowhere"},
        {"count_columns": ["parents"], "total_row": "a", "additive_rows": False},
        {"count_columns": ["parents"], "total_column": "parents"},
        {"count_columns": ["parents"], "rate_columns": {"rate": "parents"}},
        {"count_columns": ["parents"], "rate_columns": {"label": "other"}},
    ],
)
def test_bad_arguments_raise_parameter_error(kwargs):
    table = pd.DataFrame({"parents": [12, 3], "label": ["x", "y"]}, index=["a", "b"])
    with pytest.raises(ParameterError):
        suppress_small_counts(table, **kwargs)


@pytest.mark.parametrize("bad", [-1, 2.5, "3", True, S])
def test_invalid_counts_raise_parameter_error(bad):
    table = pd.DataFrame({"parents": [12, bad, 40]}, dtype=object)
    with pytest.raises(ParameterError, match="parents"):
        suppress_small_counts(table, ["parents"])


# --------------------------------------------------------------------------- check


def test_check_publishable_refuses_small_counts_with_a_useful_message():
    table = pd.DataFrame({"relay": ["Namur", "Arlon"], "parents": [12, 3]}, index=["n", "a"])
    with pytest.raises(PrivacyError) as info:
        check_publishable(table)
    error = info.value
    assert error.column == "parents"
    for text in (error.message_fr, error.message_en):
        assert "'parents'" in text and "'a'" in text and "suppress_small_counts" in text
    check_publishable(suppress_small_counts(table, ["parents"]))


def test_check_publishable_default_count_columns():
    # integer, integral float and object-with-int columns are checked ...
    for column in ([12, 3], [12.0, 3.0], [12.0, np.nan, 3.0], [S, 3], pd.array([12, 3], "Int64")):
        with pytest.raises(PrivacyError):
            check_publishable(pd.DataFrame({"n": column}))
    # ... rates, booleans, text and masked cells are not counts
    check_publishable(
        pd.DataFrame({
            "reach_rate": [3.4, 0.5], "flag": [True, False], "label": ["3", "4"],
            "masked": [S, 12], "rate": [S, 2.5], "none": [pd.NA, 0],
        })
    )
    # explicit count columns restrict the check (e.g. a month column is not a count)
    table = pd.DataFrame({"month": [1, 2], "parents": [10, 12]})
    check_publishable(table, count_columns=["parents"])
    with pytest.raises(PrivacyError):
        check_publishable(table)
    with pytest.raises(ParameterError):
        check_publishable(table, count_columns=["missing"])


@pytest.mark.parametrize(
    "column",
    ["participant_id", "family_id", "activity_id", "Family ID", "name", "nom", "Prénom",
     "email", "E-mail", "telephone", "adresse", "date_naissance", "child_id", "id"],
)
def test_identifier_columns_are_refused(column):
    assert is_identifier_column(column)
    table = pd.DataFrame({column: ["x", "y"], "parents": [12, 20]})
    with pytest.raises(PrivacyError) as info:
        check_publishable(table)
    assert "drop" in info.value.message_en


@pytest.mark.parametrize(
    "column", ["relay_id", "relay_name", "relay", "nis", "province_nis", "name_fr",
               "commune", "activity_type", "year", "parents"],
)
def test_site_and_place_columns_are_publishable(column):
    assert not is_identifier_column(column)
    check_publishable(pd.DataFrame({column: ["x", "y"], "parents": [12, 20]}))


def test_identifier_in_index_is_refused():
    table = pd.DataFrame({"parents": [12, 20]}, index=pd.Index(["p1", "p2"], name="participant_id"))
    with pytest.raises(PrivacyError):
        check_publishable(table)


# --------------------------------------------------------------------------- labels and export


def test_masked_label_and_footnote():
    assert masked_label(5) == masked_label() == masked_label(5, "en") == masked_label(10) == "n.p."
    assert footnote(5) == "n.p.\u00a0: valeur non publiée pour protéger les petits effectifs"
    assert footnote(5, "en") == "n.p.: value not published to protect small counts"
    with pytest.raises(ParameterError):
        masked_label(2)
    with pytest.raises(ParameterError):
        footnote(5, "nl")


def test_to_publishable_frame():
    table = pd.DataFrame(
        {
            "commune": ["A", "B", "C", "D"],
            "parents": [12, 3, 0, pd.NA],
            "km": [1.5, np.nan, 2.0, 3.0],
        }
    )
    result = suppress_small_counts(table, ["parents"], threshold=10, additive_rows=False)
    frame = to_publishable_frame(result)
    assert cells(frame, "parents") == [12, "n.p.", 0, ""]
    assert cells(frame, "km") == [1.5, "", 2.0, 3.0]
    assert cells(frame, "commune") == ["A", "B", "C", "D"]
    assert cells(result, "parents") == [12, S, 0, pd.NA]  # input untouched
    with pytest.raises(ParameterError):
        to_publishable_frame(result, threshold=5)  # not the threshold used to mask
    with pytest.raises(ParameterError):
        to_publishable_frame(result, lang="de")


def test_write_published_csv(tmp_path):
    table = pd.DataFrame(
        {"province": PROVINCES, "parents": [12, 3, 40, 0, 7], "rate": [0.5, 0.1, 0.25, np.nan, 0.7]}
    )
    result = suppress_small_counts(table, ["parents"], rate_columns={"rate": "parents"})
    path = write_published_csv(result, tmp_path / "out" / "parents.csv")
    expected = (
        "province,parents,rate\n"
        "Brabant wallon,12,0.5\n"
        "Hainaut,n.p.,n.p.\n"
        "Liège,40,0.25\n"
        "Luxembourg,0,\n"
        "Namur,n.p.,n.p.\n"
    )
    assert path.read_bytes() == expected.encode("utf-8")
    first = path.read_bytes()
    write_published_csv(result, path, lang="en")
    assert path.read_bytes() == first


def test_write_published_csv_keeps_a_meaningful_index(tmp_path):
    table = pd.DataFrame({"parents": [12, 40]}, index=pd.Index(["Namur", "Liège"], name="province"))
    path = write_published_csv(table, tmp_path / "t.csv", threshold=5)
    assert path.read_text(encoding="utf-8") == "province,parents\nNamur,12\nLiège,40\n"


def test_write_published_csv_refuses_unsafe_tables(tmp_path):
    path = tmp_path / "unsafe.csv"
    with pytest.raises(PrivacyError):
        write_published_csv(pd.DataFrame({"parents": [12, 3]}), path, threshold=5)
    with pytest.raises(PrivacyError):
        write_published_csv(pd.DataFrame({"family_id": [1], "parents": [12]}), path, threshold=5)
    assert not path.exists()


# --------------------------------------------------------------------------- property tests


def published_sums(true, count_columns, *, additive_rows, additive_columns,
                   total_row=None, total_column=None):
    """The sums a reader knows, as (member cells, total cell or None) pairs."""
    rows = [r for r in true.index if r != total_row]
    columns = [c for c in count_columns if c != total_column]
    sums = []
    if additive_rows:
        for c in count_columns:
            sums.append(([(r, c) for r in rows], (total_row, c) if total_row is not None else None))
    if additive_columns:
        for r in true.index:
            total = (r, total_column) if total_column is not None else None
            sums.append(([(r, c) for c in columns], total))
    return sums


def assert_not_recoverable(true, result, count_columns, *, threshold, **layout):
    """For every masked cell, min < max over all tables consistent with what is published.

    Unknowns: the masked cells, >= 0. Known: every other cell. Constraints: each
    published sum (total cell of the table, or a total published elsewhere equal
    to the true sum). A total published elsewhere between 1 and threshold - 1
    cannot pass the publishing check, so it is not known. NA cells are no data.
    """
    value = {(r, c): true.at[r, c] for r in true.index for c in count_columns}
    unknown = [cell for cell in value if result.at[cell] is S]
    if not unknown:
        return
    position = {cell: k for k, cell in enumerate(unknown)}
    a_eq, b_eq = [], []
    for members, total in published_sums(true, count_columns, **layout):
        terms = [(cell, 1) for cell in members]
        if total is None:
            rhs = sum(v for cell in members if not pd.isna(v := value[cell]))
            if 0 < rhs < threshold:
                continue
        else:
            if pd.isna(value[total]):
                continue
            terms.append((total, -1))
            rhs = 0
        row = np.zeros(len(unknown))
        for cell, coef in terms:
            if pd.isna(value[cell]):
                continue
            if cell in position:
                row[position[cell]] += coef
            else:
                rhs -= coef * value[cell]
        a_eq.append(row)
        b_eq.append(rhs)
    for cell, k in position.items():
        objective = np.zeros(len(unknown))
        objective[k] = 1
        bounds = {"A_eq": np.array(a_eq), "b_eq": np.array(b_eq)} if a_eq else {}
        low = linprog(objective, bounds=(0, None), method="highs", **bounds)
        high = linprog(-objective, bounds=(0, None), method="highs", **bounds)
        assert low.status == 0, low.message
        assert high.status in (0, 3), high.message  # 3: unbounded, certainly not recoverable
        top = np.inf if high.status == 3 else -high.fun
        assert top - low.fun > 1e-6, f"cell {cell} = {value[cell]} is recoverable"


KINDS = ["zero", "zero", "small", "small", "small", "large", "large", "large", "na"]


@st.composite
def scenarios(draw):
    threshold = draw(st.sampled_from([3, 5, 5, 8]))
    n_rows, n_cols = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    kinds = {
        "zero": st.just(0),
        "small": st.integers(1, threshold - 1),
        "large": st.integers(threshold, 60),
        "na": st.just(pd.NA),
    }
    cell = st.sampled_from(KINDS).flatmap(kinds.__getitem__)
    grid = draw(st.lists(st.lists(cell, min_size=n_cols, max_size=n_cols),
                         min_size=n_rows, max_size=n_rows))
    columns = [f"c{j}" for j in range(n_cols)]
    true = pd.DataFrame(grid, index=[f"r{i}" for i in range(n_rows)], columns=columns, dtype=object)
    additive_rows, additive_columns = draw(st.booleans()), draw(st.booleans())
    layout = {"additive_rows": additive_rows, "additive_columns": additive_columns}

    def total(values):
        present = [v for v in values if not pd.isna(v)]
        return sum(present) if present else pd.NA

    if additive_columns and draw(st.booleans()):
        true["total"] = [total(row) for row in true[columns].itertuples(index=False)]
        columns.append("total")
        layout["total_column"] = "total"
    if additive_rows and draw(st.booleans()):
        true.loc["Wallonie"] = [total(true[c]) for c in columns]
        layout["total_row"] = "Wallonie"
    true = true.astype(object)
    true["label"] = [f"name {i}" for i in range(len(true))]
    true["rate"] = [v if pd.isna(v) else v / 100 for v in true["c0"]]
    return true, columns, threshold, layout


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_suppression_is_safe(scenario):
    true, columns, threshold, layout = scenario
    try:
        result = suppress_small_counts(true, columns, threshold=threshold,
                                       rate_columns={"rate": "c0"}, **layout)
    except PrivacyError:
        # only a cross-tab with published row and column totals can be impossible to protect
        assert layout["additive_rows"] and layout["additive_columns"]
        event("cannot be protected without masking a zero")
        return
    # (1) the check passes
    check_publishable(result, threshold=threshold)
    # (2) no masked value can be recomputed from the published totals
    assert_not_recoverable(true, result, columns, threshold=threshold, **layout)
    for column in columns:
        for label in true.index:
            before, after = true.at[label, column], result.at[label, column]
            if pd.isna(before):
                assert after is pd.NA  # (3) no data stays no data
            elif before == 0:
                assert after == 0 and after is not S  # (3) zero is never masked
            elif before < threshold:
                assert after is S  # every small count is masked
            else:
                assert after is S or (after == before and type(after) is int)
    # rates follow their counts; other columns are untouched
    hidden = result["c0"].map(is_suppressed)
    assert (result["rate"].map(is_suppressed) == hidden).all()
    assert result["label"].tolist() == true["label"].tolist()
    masked = sum(result[c].map(is_suppressed).sum() for c in columns)
    assert masked == result.attrs["suppressed_primary"] + result.attrs["suppressed_secondary"]


@st.composite
def unsafe_tables(draw):
    threshold = draw(st.sampled_from([3, 5, 8]))
    n_rows, n_cols = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    cell = st.one_of(st.just(0), st.integers(threshold, 500), st.just(S), st.just(pd.NA))
    grid = draw(st.lists(st.lists(cell, min_size=n_cols, max_size=n_cols),
                         min_size=n_rows, max_size=n_rows))
    i, j = draw(st.integers(0, n_rows - 1)), draw(st.integers(0, n_cols - 1))
    grid[i][j] = draw(st.integers(1, threshold - 1))
    table = pd.DataFrame(grid, columns=[f"c{k}" for k in range(n_cols)], dtype=object)
    as_float = draw(st.booleans())
    if as_float:  # the same counts as a float column (NaN for no data), as after a merge
        table = table.map(lambda v: np.nan if v is pd.NA or v is S else float(v)).astype(float)
    return table, threshold


@settings(max_examples=200, deadline=None)
@given(unsafe_tables())
def test_check_publishable_never_passes_an_unsafe_table(args):
    table, threshold = args
    with pytest.raises(PrivacyError):
        check_publishable(table, threshold=threshold)
