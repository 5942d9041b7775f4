"""Denominators: Statbel open-data population file and the optional households table."""

from __future__ import annotations

import pandas as pd
import pytest

from relais_analysis.geography import reference
from relais_analysis.errors import InputDataError
from relais_analysis.privacy.published_csv import file_stem, read_published_table
from relais_analysis.geography.population import load_households, load_statbel_population, with_population


def _statbel_file(path, sep="|", year_codes=None):
    communes = reference.communes_table(2024)
    rows = []
    for nis, pop in zip(communes["nis"], communes["population"]):
        women = pop // 2
        rows.append({"CD_REFNIS": nis, "CD_SEX": "F", "CD_AGE": 30, "MS_POPULATION": women})
        rows.append({"CD_REFNIS": nis, "CD_SEX": "M", "CD_AGE": 30, "MS_POPULATION": pop - women})
    rows.append({"CD_REFNIS": "44021", "CD_SEX": "F", "CD_AGE": 30, "MS_POPULATION": 1000})  # Gent: ignored
    frame = pd.DataFrame(rows)
    frame.to_csv(path, sep=sep, index=False)
    return path


@pytest.mark.parametrize("sep", ["|", ","])
def test_statbel_population_file(tmp_path, sep):
    population = load_statbel_population(_statbel_file(tmp_path / "TF_SOC_POP_STRUCT_2024.txt", sep))
    assert len(population) == 262
    assert int(population.sum()) == 3_645_243
    assert population["62063"] == 197_217
    communes = with_population(reference.communes_table(2025), population)
    assert communes.set_index("nis").loc["82039", "population"] == 16_276 + 3_656


def test_statbel_population_missing_column(tmp_path):
    (tmp_path / "pop.txt").write_text("CD_REFNIS|POP\n62063|1\n")
    with pytest.raises(InputDataError, match="MS_POPULATION"):
        load_statbel_population(tmp_path / "pop.txt")


def test_households(tmp_path):
    (tmp_path / "households.csv").write_text(
        "commune;households_total;households_single_parent\nLiège;95000;11000\n5000;50000;6000\n"
    )
    households = load_households(tmp_path / "households.csv").set_index("nis")
    assert households.loc["62063", "households_single_parent"] == 11_000
    assert households.loc["92094", "households_total"] == 50_000
    (tmp_path / "bad.csv").write_text("nis,households_total,households_single_parent\nLiège,10,20\n")
    with pytest.raises(InputDataError, match="row 2"):
        load_households(tmp_path / "bad.csv")


def test_newer_population_file_feeds_the_indicators(tmp_path):
    from pathlib import Path

    import pandas as pd
    from clirun import relais

    communes = reference.communes_table(2024)
    doubled = pd.DataFrame({"CD_REFNIS": communes["nis"], "MS_POPULATION": communes["population"] * 2})
    doubled.to_csv(tmp_path / "TF_SOC_POP_STRUCT_2025.txt", sep="|", index=False)
    small = Path(__file__).parent / "fixtures" / "small"
    result = relais("indicators", "--year", "2024", "--data", str(small), "--out", str(tmp_path / "out"),
                    "--population", str(tmp_path / "TF_SOC_POP_STRUCT_2025.txt"))
    assert result.returncode == 0, result.stderr
    coverage = read_published_table(tmp_path / "out" / f"{file_stem('population_coverage')}.csv")
    wallonia = coverage.set_index("province_nis").loc["03000"]
    assert wallonia["population"] == 2 * 3_645_243 and wallonia["population_covered"] == 2 * 441_584
    rates = read_published_table(tmp_path / "out" / f"{file_stem('reach_rates')}.csv").set_index("nis")
    assert rates.loc["62063", "population"] == 2 * 197_217
    missing = doubled[doubled["CD_REFNIS"] != "62063"]
    missing.to_csv(tmp_path / "partial.txt", sep="|", index=False)
    bad = relais("indicators", "--year", "2024", "--data", str(small), "--out", str(tmp_path / "out2"),
                 "--population", str(tmp_path / "partial.txt"))
    assert bad.returncode == 2 and "Population missing for 1 commune" in bad.stderr


def test_population_file_provenance(tmp_path, small_dataset):
    import hashlib

    from relais_analysis.geography.population import BUNDLED_POPULATION, PopulationSource, use_population_file

    path = _statbel_file(tmp_path / "TF_SOC_POP_STRUCT_2025.txt")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    dataset = use_population_file(small_dataset, path)
    assert dataset.population_source == PopulationSource("TF_SOC_POP_STRUCT_2025.txt", digest, 2025)
    assert not dataset.population_source.bundled
    assert str(dataset.population_source) == f"TF_SOC_POP_STRUCT_2025.txt (SHA-256 {digest})"
    assert int(dataset.population.sum()) == 3_645_243
    assert small_dataset.population_source is BUNDLED_POPULATION  # the original is left as it was
    renamed = tmp_path / "population.txt"
    renamed.write_bytes(path.read_bytes())
    assert use_population_file(small_dataset, renamed).population_source == PopulationSource(
        "population.txt", digest, None)  # no year in the name: none guessed


def test_population_provenance_where_it_is_shown(tmp_path, small_dataset):
    """The methodology page shows name and SHA-256; the map's source line the file name only."""
    import hashlib

    from relais_analysis.geography.population import use_population_file
    from relais_analysis.indicators.tables import indicator_tables, publish_tables
    from relais_analysis.outputs.map_layers import annual_map
    from relais_analysis.report.site_pages import write_methodology

    path = _statbel_file(tmp_path / "TF_SOC_POP_STRUCT_2025.txt")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    dataset = use_population_file(small_dataset, path)
    page = write_methodology(tmp_path, dataset, [], year=2024, lang="fr", threshold=5).read_text(encoding="utf-8")
    assert f"Population utilisée : TF_SOC_POP_STRUCT_2025.txt (SHA-256 {digest})." in page
    bundled = write_methodology(tmp_path, small_dataset, [], year=2024, lang="fr", threshold=5)
    assert ("Population utilisée : Statbel, population au 1er janvier 2020 (data/reference)."
            in bundled.read_text(encoding="utf-8"))

    published = publish_tables(indicator_tables(dataset, 2024))
    for lang, text in (("fr", "(communes ; population : TF_SOC_POP_STRUCT_2025.txt)"),
                       ("en", "(municipalities; population: TF_SOC_POP_STRUCT_2025.txt)")):
        html = annual_map(dataset, published, lang=lang).get_root().render()
        assert text in html
        assert digest not in html and "SHA-256" not in html
