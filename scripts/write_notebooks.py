"""Write the project's notebooks (without outputs) from the cell lists below.

The notebooks are the source sociologists open in JupyterLab; this script is how they
were first written and how to restore them. ``python scripts/write_notebooks.py``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
KERNEL = {"name": "relais-analysis", "display_name": "Python (relais_analysis)", "language": "python"}
HIDE = {"tags": ["remove_cell"]}  # explanations for sociologists, not shown in exported reports


def md(text: str, hidden: bool = False):
    return new_markdown_cell(text.strip(), metadata=HIDE if hidden else {})


def code(text: str, tags: list[str] | None = None):
    return new_code_cell(text.strip(), metadata={"tags": tags} if tags else {})


ANNUAL_PARAMETERS = '''
# Paramètres (papermill remplace cette cellule ; AnnualReport les valide, car papermill ne vérifie pas les types)
year = 2024  # int : année du rapport
province = None  # None pour la Wallonie, sinon code ou nom de province, par exemple Liège ou 60000
data_dir = "../data/demo"  # dossier des données (exports validés par le paquet)
output_dir = "../reports/2024/wallonie"  # dossier où écrire tableaux, figures et carte
lang = "fr"  # "fr" (défaut) ou "en"
threshold = 5  # seuil de masquage des petits effectifs (au moins 3)
relay_id = None  # inutilisé ici (voir relay_sheet.ipynb)
as_of = None  # date d'extraction AAAA-MM-JJ ; None : celle de dataset.json, sinon aujourd'hui
population_file = None  # fichier Statbel TF_SOC_POP_STRUCT ; None : population au 1er janvier 2020
protected_tables = None  # tableaux protégés par `relais report` pour toute la publication ; None : protégés ici
'''

ANNUAL = [
    md("""
# Rapport annuel Relais Familles Mono

Carnet paramétré, exécuté par `relais report` (papermill) pour la Wallonie et chaque province. Il ne contient
que la mise en page : tous les chiffres viennent du paquet `relais_analysis` (`AnnualReport`), qui valide les
paramètres et les données, calcule les indicateurs, masque les petits effectifs et écrit tableaux, figures et
carte dans `output_dir`. Cette cellule n'apparaît pas dans le rapport exporté.
""", hidden=True),
    code(ANNUAL_PARAMETERS, tags=["parameters"]),
    code("""
from IPython.display import HTML, Image, Markdown, display

from relais_analysis.annual import AnnualReport

report = AnnualReport(year=year, province=province, data_dir=data_dir, output_dir=output_dir, lang=lang,
                      threshold=threshold, relay_id=relay_id, as_of=as_of, population_file=population_file,
                      protected_tables=protected_tables)
outputs = report.write_outputs()
display(HTML(report.style_html()))
display(Markdown(f"# {report.title()}"))
display(HTML(report.banner_html()))
display(HTML(report.key_figures_html()))
"""),
    code("display(Markdown(report.narrative()))"),
    code("""
display(Markdown(report.heading("people")))
display(Image(filename=report.figure("people_per_year")))
if report.params.province is None:
    display(Image(filename=report.figure("people_by_province")))
    display(HTML(report.table_html("reach_by_province")))
    display(Markdown(report.heading("provinces_note")))
"""),
    code("""
display(Markdown(report.heading("activities")))
display(Image(filename=report.figure("activity_types")))
"""),
    code("""
display(Markdown(report.heading("loyalty")))
display(Image(filename=report.figure("new_vs_returning")))
display(Image(filename=report.figure("retention_rate")))
"""),
    code("""
display(Markdown(report.heading("coverage")))
display(HTML(report.table_html("population_coverage")))
display(Image(filename=report.figure("choropleth")))
display(HTML(report.map_link_html()))
display(Markdown(report.heading("uncovered")))
display(HTML(report.table_html("uncovered")))
display(Markdown(report.heading("next_relay")))
display(HTML(report.table_html("next_relay_suggestions")))
"""),
    code("""
display(Markdown(report.heading("relays")))
display(HTML(report.table_html("reach_by_relay")))
display(Markdown(report.masking_note() + report.protection_note()))
display(Markdown(report.heading("method_link")))
"""),
]

RELAY_PARAMETERS = '''
# Paramètres (papermill remplace cette cellule ; RelaySheet les valide)
year = 2024  # int : année
relay_id = "R01"  # code du relais
province = None  # inutilisé (la fiche porte sur un relais)
data_dir = "../data/demo"  # dossier des données
output_dir = "../reports/2024/relais/r01"  # dossier de sortie
lang = "fr"  # "fr" ou "en"
threshold = 5  # seuil de masquage (au moins 3)
as_of = None  # date d'extraction AAAA-MM-JJ ou None
population_file = None  # fichier Statbel TF_SOC_POP_STRUCT ou None
protected_tables = None  # tableaux protégés par `relais report` ; None : protégés ici
'''

RELAY = [
    md("""
# Fiche relais

Résumé d'une page pour le travailleur point-relais et son organisation hôte, exécuté par
`relais report --relays`. Tous les chiffres viennent de `relais_analysis.annual.RelaySheet`.
""", hidden=True),
    code(RELAY_PARAMETERS, tags=["parameters"]),
    code("""
from IPython.display import HTML, Image, Markdown, display

from relais_analysis.annual import RelaySheet

sheet = RelaySheet(year=year, relay_id=relay_id, province=province, data_dir=data_dir, output_dir=output_dir,
                   lang=lang, threshold=threshold, as_of=as_of, population_file=population_file,
                   protected_tables=protected_tables)
outputs = sheet.write_outputs()
display(HTML(sheet.style_html()))
display(HTML(sheet.banner_html()))
display(HTML(sheet.header_html()))
display(Markdown(sheet.narrative()))
"""),
    code("""
display(Image(filename=sheet.figure("people_per_year")))
display(Image(filename=sheet.figure("activity_types")))
display(HTML(sheet.territory_html()))
display(Markdown(sheet.masking_note() + sheet.protection_note()))
"""),
]

EXPLORE_PARAMETERS = '''
data_dir = "../data/demo"  # dossier des données
year = 2024  # année explorée
'''

COVERAGE = [
    md("""
# Explorer la couverture territoriale

Ce carnet répond à : quelles communes les relais couvrent-ils, où sont les « zones blanches », à quelle distance
les familles vivent-elles d'un relais, et où un nouveau relais toucherait-il le plus de monde ?

**Comment c'est calculé.** Une commune est *couverte* une année si elle figure au territoire d'au moins un relais
ouvert cette année-là (tables `territories` et `relays`). La *distance d'accès* est mesurée à vol d'oiseau, en
mètres (projection belge EPSG:3812), du point représentatif de la commune (un point toujours situé à l'intérieur)
au relais actif le plus proche ; un facteur de détour (1,3 environ en milieu rural) peut l'allonger. La
*suggestion de nouveau relais* est un algorithme glouton de couverture maximale (Church et ReVelle, 1974) : on
choisit la commune d'où un relais couvrirait, dans un rayon donné, le plus d'habitants des communes non couvertes,
puis on recommence avec ce qui reste.

Ces tableaux sont **internes** (non masqués) : ne pas les publier tels quels.
"""),
    code(EXPLORE_PARAMETERS, tags=["parameters"]),
    code("""
from relais_analysis import coverage
from relais_analysis.ingest import load_dataset

dataset = load_dataset(data_dir)
coverage.population_coverage(dataset, year)
"""),
    md("## Zones blanches (communes non couvertes), les plus peuplées d'abord"),
    code("coverage.uncovered_communes(dataset, year).head(15)"),
    md("## Accès : population à moins de 5, 10 et 20 km d'un relais"),
    code("coverage.population_within(dataset, year)"),
    code("coverage.access_distances(dataset, year).sort_values('distance_km', ascending=False).head(10)"),
    md("## Où ouvrir le prochain relais ? (rayon 10 km)"),
    code("coverage.next_relay_suggestions(dataset, year, k=5, radius_km=10)"),
    md("## D'où viennent les parents de chaque relais ?"),
    code("coverage.territory_vs_residence(dataset, year)"),
]

REACH = [
    md("""
# Explorer les personnes touchées

**Règles de comptage.** Une personne (code pseudonyme) compte une seule fois par année et par groupe, même si elle
est venue vingt fois. Un parent venu dans deux provinces compte une fois pour la Wallonie et une fois dans chaque
province : la somme des provinces peut donc dépasser le total wallon. Une activité appartient à la province du relais
qui l'organise. Les *nouveaux* parents sont vus pour la première fois dans les données cette année-là ; le *taux de
rétention* est la part des parents d'une année revus l'année suivante (partielle si l'année suivante n'est pas
finie à la date d'extraction).

Ces tableaux sont **internes** (non masqués).
"""),
    code(EXPLORE_PARAMETERS, tags=["parameters"]),
    code("""
from relais_analysis import reach
from relais_analysis.ingest import load_dataset

dataset = load_dataset(data_dir)
reach.reach_per_year(dataset)
"""),
    code("reach.reach_by(dataset, year, 'province')"),
    code("reach.reach_by(dataset, year, 'relay')"),
    code("reach.reach_by(dataset, year, 'activity_type')"),
    code("reach.new_and_returning_parents(dataset)"),
    code("reach.retention(dataset)"),
    code("""
distribution, mean = reach.activities_per_parent(dataset, year)
print(f"Activités par parent en moyenne : {mean:.2f}")
distribution
"""),
    code("reach.women_share(dataset, year)"),
]

QUALITY = [
    md("""
# Qualité des données

Ce carnet résume la validation : combien de lignes chaque fichier contenait, combien ont été acceptées ou rejetées
(et pourquoi), et, par relais, la complétude des informations utiles aux analyses (commune de résidence, genre,
année de naissance) et les activités sans présence enregistrée.
"""),
    code(EXPLORE_PARAMETERS, tags=["parameters"]),
    code("""
from relais_analysis import quality
from relais_analysis.ingest import load_dataset

dataset = load_dataset(data_dir)
dataset.summary()
"""),
    md("## Lignes rejetées, par fichier et motif"),
    code("quality.rejections_summary(dataset)"),
    md("## Complétude par relais"),
    code("quality.completeness_by_relay(dataset, year)"),
]


def write(name: str, cells: list) -> Path:
    nb = new_notebook(cells=cells, metadata={"kernelspec": KERNEL, "language_info": {"name": "python"}})
    for i, cell in enumerate(nb.cells):  # stable ids: rewriting a notebook only changes what changed
        cell["id"] = f"{name}-{i}"
    path = ROOT / "notebooks" / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def main() -> None:
    for name, cells in [("annual_report", ANNUAL), ("relay_sheet", RELAY), ("explore_coverage", COVERAGE),
                        ("explore_reach", REACH), ("data_quality", QUALITY)]:
        print(write(name, cells))


if __name__ == "__main__":
    main()
