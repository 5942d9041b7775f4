"""The report chapter "Ce qui a changé pour les familles" and its methodology section.

One analysis per report year: the parents whose entry questionnaire falls in the
year, compared with their follow-up (which may come the next year). The Wallonia
report shows the whole chapter (sentences, chart, table of results with confidence
intervals, attrition) and writes the protected outcome CSV tables; a province report
and a relay sheet show their own line of the by-province / by-relay tables, which
were protected together (groups add up to the published totals), so no scope can be
subtracted from another.
"""

from __future__ import annotations

import dataclasses
from html import escape
from pathlib import Path


from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.i18n import format_decimal, format_int, format_percent, templates, text
from relais_analysis.intake.dataset import Dataset
from relais_analysis.privacy.masked import is_missing, is_suppressed, masked_label
from relais_analysis.outcomes.analysis import OutcomeResults, analyse_outcomes
from relais_analysis.outcomes.groups import participant_groups
from relais_analysis.outcomes.instruments import Instrument, in_language, load_instruments
from relais_analysis.outcomes.sentences import check_no_causal_wording, honesty_note, translation_flag
from relais_analysis.outcomes.statistics import BOOTSTRAP_SEED, EXACT_MAX_N, MIN_PAIRS
from relais_analysis.outcomes.tables import write_outcome_tables

__all__ = ["OutcomeChapter", "methodology_html", "outcome_results"]

def _texts(lang: str) -> dict[str, str]:
    """The ``outcome.chapter.*`` texts of the catalogue (fields unfilled)."""
    return templates("outcome.chapter.", lang)


def _num(value: object, lang: str, decimals: int = 1, signed: bool = True) -> str:
    if is_suppressed(value):
        return masked_label(lang=lang)
    if is_missing(value):
        return "–"
    text = format_decimal(abs(float(value)) if signed else float(value), lang, decimals)
    if signed and round(float(value), decimals) != 0:
        text = ("+" if float(value) > 0 else "\u2212") + text
    return text


@dataclasses.dataclass
class OutcomeChapter:
    """The outcome chapter of one report (Wallonia, a province or a relay).

    Parameters
    ----------
    dataset : Dataset
    year : int
        Entry year of the parents described.
    lang : {"fr", "en"}
    threshold : int
    province : str, optional
        Province REFNIS code of a province report.
    relay_id : str, optional
        Relay of a relay sheet.
    protected : dict, optional
        ``{"results": OutcomeResults or None}`` protected with the whole publication
        (:func:`relais_analysis.privacy.linked.protect_jobs`): used as is.
    """

    dataset: Dataset
    year: int
    lang: str = "fr"
    threshold: int = DEFAULT_THRESHOLD
    province: str | None = None
    relay_id: str | None = None
    protected: object = dataclasses.field(default=None, repr=False)
    results: OutcomeResults | None = dataclasses.field(init=False, default=None)
    figures: list[Path] = dataclasses.field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        if self.protected is not None:  # protected with the whole publication by ``relais report``
            self.results = self.protected.get("results")
            return
        q = self.dataset.questionnaires
        if q is None or not len(q):
            return
        self.results = outcome_results(self.dataset, self.year, lang=self.lang, threshold=self.threshold)

    @classmethod
    def for_report(cls, report: object) -> OutcomeChapter:
        """The chapter of an :class:`~relais_analysis.report.content.AnnualReport` or a ``RelaySheet``."""
        from relais_analysis.privacy.handover import load_protected_outcomes

        params = report.params
        relay = getattr(params, "relay_id", None) if type(report).__name__ == "RelaySheet" else None
        protected = None
        if getattr(params, "protected_tables", None) is not None:
            protected = load_protected_outcomes(params.protected_tables)
        return cls(report.dataset, params.year, lang=params.lang, threshold=report.tables.threshold,
                   province=None if relay else params.province, relay_id=relay, protected=protected)

    @property
    def is_region(self) -> bool:
        """Whether this is the Wallonia report (the whole chapter)."""
        return self.province is None and self.relay_id is None

    def write(self, output_dir: str | Path) -> list[Path]:
        """Wallonia: write the protected outcome CSVs (``tableaux/``) and charts (``figures/``)."""
        # imported here: the build's main process reads this module for the methodology page, without matplotlib
        from relais_analysis.outcomes.charts import write_outcome_charts

        if self.results is None or not self.is_region:
            return []
        out = Path(output_dir)
        paths = write_outcome_tables(self.results.tables, out / "tableaux", lang=self.lang, year=self.year)
        charts = write_outcome_charts(self.results.tables, self.results.instruments, out / "figures", lang=self.lang,
                                      formats=("png",))
        self.figures = [p for p in charts if p.suffix == ".png"]
        return paths + charts

    def heading(self) -> str:
        """Markdown heading of the chapter."""
        return f"## {_texts(self.lang)['heading']}"

    def html(self) -> str:
        """Sentences (and, for Wallonia, the honesty rules) as escaped HTML."""
        t = _texts(self.lang)
        if self.results is None:
            return f"<p>{escape(t['none'].format(year=self.year))}</p>"
        if not self.is_region:
            return self._scope_html()
        note = f'<p class="relais-note"><em>{escape(self.results.note)}</em></p>'
        items = "".join(f"<li>{escape(s)}</li>" for s in self.results.sentences)
        return f"{note}<ul>{items}</ul>"

    def _scope_html(self) -> str:
        t = _texts(self.lang)
        by, key, scope = ("relay", self.relay_id, t["relay"]) if self.relay_id else ("province", self.province,
                                                                                      t["province"])
        table = self.results.tables.get(f"outcomes_by_{by}")
        rows = table[table["group"] == str(key)] if table is not None else table
        if rows is None or not len(rows):
            return f"<p>{escape(t['scope_none'].format(year=self.year))}</p>"
        lines = []
        for _, row in rows.iterrows():
            inst = self.results.instruments[row["instrument"]]
            flag = translation_flag(inst, self.lang)
            flag = f" ({flag})" if flag else ""
            if is_suppressed(row["n_pairs"]):
                text = t["scope_masked"].format(name=inst.name(self.lang), flag=flag, scope=scope)
            elif is_missing(row["hl_estimate"]):
                text = t["scope_small"].format(name=inst.name(self.lang), flag=flag, scope=scope)
            else:
                text = t["scope_line"].format(name=inst.name(self.lang), flag=flag, scope=scope,
                                              n=format_int(row["n_pairs"], self.lang), hl=_num(row["hl_estimate"], self.lang),
                                              low=_num(row["hl_ci_low"], self.lang),
                                              high=_num(row["hl_ci_high"], self.lang))
            lines.append(f"<li>{escape(check_no_causal_wording(text))}</li>")
        note = escape(honesty_note(self.lang, self.threshold))
        return f'<ul>{"".join(lines)}</ul><p class="relais-note"><em>{note} {escape(t["detail"])}</em></p>'

    def table_html(self) -> str:
        """Wallonia: the table of results with their confidence intervals (protected counts)."""
        if self.results is None or not self.is_region:
            return ""
        t, lang = _texts(self.lang), self.lang
        head = "".join(f"<th>{escape(t[k])}</th>" for k in ("measure", "pairs", "median", "mean", "split", "p",
                                                            "effect", "note"))
        rows = []
        for _, row in self.results.tables["outcomes_change"].iterrows():
            if is_missing(row["hl_estimate"]):
                cells = [row["measure"], format_int(row["n_pairs"], lang), "–", "–", "–", "–", "–", row["note"]]
            else:
                split = " / ".join(
                    masked_label(lang=lang) if is_suppressed(row[c]) else format_percent(row[c] / row["n_pairs"], lang, 0)
                    if not is_suppressed(row["n_pairs"]) else masked_label(lang=lang)
                    for c in ("n_improved", "n_unchanged", "n_worse"))
                cells = [row["measure"], format_int(row["n_pairs"], lang),
                         f"{_num(row['hl_estimate'], lang)} [{_num(row['hl_ci_low'], lang)} ; "
                         f"{_num(row['hl_ci_high'], lang)}]",
                         f"{_num(row['mean_change'], lang, 2)} [{_num(row['mean_ci_low'], lang, 2)} ; "
                         f"{_num(row['mean_ci_high'], lang, 2)}]",
                         split, _p(row["wilcoxon_p"], lang),
                         f"{_num(row['rank_biserial'], lang, 2)} / {_num(row['cohen_dz'], lang, 2)}",
                         translation_flag(self.results.instruments[row["instrument"]], lang)]
            rows.append("<tr>" + "".join(
                f'<td{"" if k in (0, 7) else " class=num"}>{escape(str(c))}</td>' for k, c in enumerate(cells))
                + "</tr>")
        return f'<table class="relais-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'

    def attrition_html(self) -> str:
        """Wallonia: who did not answer the follow-up, in plain sentences."""
        if self.results is None or not self.is_region:
            return ""
        t = _texts(self.lang)
        items = "".join(f"<li>{escape(s)}</li>" for s in self.results.attrition_sentences)
        return f"<h3>{escape(t['attrition'])}</h3><ul>{items}</ul><p>{escape(t['method'])}</p>"


def outcome_results(dataset: Dataset, year: int, *, lang: str = "fr",
                    threshold: int = DEFAULT_THRESHOLD) -> OutcomeResults | None:
    """The outcome analysis of the parents whose entry questionnaire falls in ``year`` (None without any).

    Raises
    ------
    ParameterError
        See :func:`~.analysis.analyse_outcomes`.
    """
    q = dataset.questionnaires
    if q is None or not len(q):
        return None
    entry = q[(q["wave"] == "entree") & (q["date"].dt.year == year)]["participant_id"]
    q = q[q["participant_id"].isin(set(entry))].reset_index(drop=True)
    if not len(q):
        return None
    scoped = dataclasses.replace(dataset, questionnaires=q)
    groups = participant_groups(scoped)
    return analyse_outcomes(q, load_instruments(), lang=lang, threshold=threshold, groups=groups)


def _p(value: object, lang: str) -> str:
    if is_missing(value):
        return "–"
    value = float(value)
    if value < 0.001:
        return "< 0,001" if lang == "fr" else "< 0.001"
    return format_decimal(value, lang, 3)


def methodology_html(lang: str = "fr", instruments: dict[str, Instrument] | None = None) -> str:
    """Methodology section on outcomes: instruments, scoring rules, sources, statistics, honesty rules."""
    instruments = instruments if instruments is not None else load_instruments()
    fr = lang != "en"
    items = []
    for inst in instruments.values():
        bands = ", ".join(f"{b.min:g}-{b.max:g} {b.label(lang)}" for b in inst.bands)
        status = text("outcome.methodology.validated" if inst.validated else "outcome.methodology.not_validated",
                      "fr" if fr else "en")
        flag = translation_flag(inst, lang)
        conv = ""
        if inst.conversion_name:
            conversion = inst.raw["score"]["conversion"]
            conv = f"<br>{escape(conversion[lang])} : {escape(in_language(conversion['source'], lang))}"
        items.append(
            f"<li><b>{escape(inst.name(lang))}</b> ({escape(status)}{'; ' + escape(flag) if flag else ''}) – "
            f"score {inst.score_min:g}-{inst.score_max:g}{' ; ' + escape(bands) if bands else ''}. "
            f"{escape(inst.raw['score']['missing_rule'][lang])}{conv}<br><small>"
            f"{escape(inst.source('reference', lang))} {escape(inst.source('scoring_reference', lang))} "
            f"{escape(inst.source('licence', lang))}</small></li>")
    words = "fr" if fr else "en"
    stats = text("outcome.methodology.statistics", words, exact_max_n=EXACT_MAX_N, seed=BOOTSTRAP_SEED)
    title = text("outcome.methodology.title", words)
    rules = honesty_note(lang)
    minimum = text("outcome.methodology.minimum", words, min_pairs=MIN_PAIRS)
    return (f"<h2>{escape(title)}</h2><ul>{''.join(items)}</ul><p>{escape(stats)}</p>"
            f"<p>{escape(rules)} ({minimum})</p>")
