"""Resolving what people type to a commune code."""

from __future__ import annotations

import pytest

from relais_analysis.geography import reference
from relais_analysis.errors import AmbiguousPlaceError, ReferenceDataError, UnknownCommuneError
from relais_analysis.geography.names import normalise_name
from relais_analysis.geography.resolve import get_resolver, place_choices, resolve_commune


@pytest.mark.parametrize(
    "text, code",
    [
        ("Liège", "62063"), ("liege", "62063"), ("LIEGE", "62063"), ("Luik", "62063"), ("Lüttich", "62063"),
        ("La Louviere", "58001"), ("la-louvière", "58001"),
        ("Sankt Vith", "63067"), ("Saint-Vith", "63067"), ("St-Vith", "63067"),
        ("Braine-l'Alleud", "25014"), ("braine l alleud", "25014"), ("Eigenbrakel", "25014"),
        ("62063", "62063"), (" 62063 ", "62063"), ("4000", "62063"), ("6600", "82003"), ("6687", "82005"),
        ("82039", "82003"), ("Bastogne", "82003"), ("Bertogne", "82005"), ("Comines-Warneton", "57097"),
    ],
)
def test_resolves(text, code):
    assert resolve_commune(text) == code


def test_merged_code_is_noted():
    res = get_resolver().resolve("82039")
    assert res.matched_by == "code" and "82039" in res.note and "Bastogne" in res.note


def test_postal_code_resolution_says_how():
    res = get_resolver().resolve("5000")
    assert (res.nis, res.matched_by, res.candidates) == ("92094", "postal_code", ("92094",))


def test_misspelt_name_lists_closest_matches():
    with pytest.raises(UnknownCommuneError) as info:
        resolve_commune("Charleroy")
    assert info.value.suggestions[0] == "Charleroi (52011)"
    assert "Vouliez-vous dire : Charleroi (52011)" in str(info.value)


@pytest.mark.parametrize("text, where", [("Gent", "44021"), ("1000", "21004"), ("Leuven", "24062")])
def test_outside_wallonia(text, where):
    with pytest.raises(ReferenceDataError, match="not in Wallonia") as info:
        resolve_commune(text)
    assert where in str(info.value)


@pytest.mark.parametrize("text", ["", "   ", "12345", "9999", "xyzzy"])
def test_nothing_matches(text):
    with pytest.raises(ReferenceDataError):
        resolve_commune(text)


def test_normalise_name():
    assert normalise_name("  Saint-Nicolas (Liège) ") == "saint nicolas"
    assert normalise_name("Ste-Ode") == "sainte ode"


@pytest.mark.parametrize(
    "text, code",
    [
        ("Jambes", "92094"), ("Wépion", "92094"), ("Saint-Servais", "92094"), ("Bouge", "92094"),
        ("Marcinelle", "52011"), ("Gosselies", "52011"), ("Gilly", "52011"), ("Jumet", "52011"),
        ("Angleur", "62063"), ("5100 Jambes", "92094"), ("Jambes (5100)", "92094"), ("jambes", "92094"),
        ("JAMBES", "92094"), ("Jambes 5100", "92094"), ("Jambes - 5100", "92094"), ("Jambes (5100, Namur)", "92094"),
        ("B-5100 Jambes", "92094"), ("5100 Namur", "92094"), ("6001 Marcinelle", "52011"),
    ],
)
def test_villages_and_former_communes_resolve_to_their_commune(text, code):
    res = get_resolver().resolve(text)
    assert res.nis == code
    assert res.matched_by in {"locality", "name"}


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Noville", {"64025": "4347", "82003": "6600"}),
        ("Longchamps", {"82005": "6688", "92035": "5310"}),
        ("Celles", {"57018": "7760", "64076": "4317", "91072": "5561"}),
    ],
)
def test_shared_name_asks_for_the_postal_code_then_resolves(name, expected):
    with pytest.raises(AmbiguousPlaceError) as info:
        resolve_commune(name)
    message = str(info.value)
    assert "code postal" in message and "postal code" in message
    assert {nis for _label, _pc, nis, _commune in info.value.candidates} == set(expected)
    names = reference.communes_table(2024).set_index("nis")["name_fr"]
    for nis, pc in expected.items():
        assert f"{name} ({pc})" in message and names[nis] in message
        assert resolve_commune(f"{name} ({pc})") == nis
        assert resolve_commune(f"{pc} {name}") == nis


def test_name_and_postal_code_that_disagree_are_refused():
    with pytest.raises(ReferenceDataError, match="Jambes \\(5100\\)") as info:
        resolve_commune("Jambes (6600)")
    assert "Bastogne" in str(info.value)


@pytest.mark.parametrize(
    "typo, first",
    [("Jambe", "Jambes (5100, Namur)"), ("Marcinel", "Marcinelle (6001, Charleroi)"), ("Angleure", "Angleur (4031, Liège)")],
)
def test_suggestions_include_localities(typo, first):
    with pytest.raises(UnknownCommuneError) as info:
        resolve_commune(typo)
    assert info.value.suggestions[0] == first
    assert resolve_commune(first) == resolve_commune(first.split(" (")[0])  # a suggestion can be typed as is


def test_no_more_misleading_suggestions_for_villages():
    # the issue: Jambes -> "Waimes", Marcinelle -> "Marchin", Gilly -> "Silly", Angleur -> "Neupré"
    assert [resolve_commune(v) for v in ("Jambes", "Marcinelle", "Gilly", "Angleur")] == [
        "92094", "52011", "52011", "62063"
    ]


def test_every_place_choice_resolves_to_exactly_one_commune():
    choices = place_choices()
    assert len(choices) == len(set(choices))
    assert choices == sorted(choices, key=lambda s: (normalise_name(s), s))
    resolver = get_resolver()
    resolved = {}
    for choice in choices:
        res = resolver.resolve(choice)  # raises on any ambiguous or unknown entry
        assert len(res.candidates) == 1
        resolved[choice] = res.nis
    table = reference.localities()
    # every commune and every (locality, postal code) pair is offered
    assert set(resolved.values()) == set(reference.communes_table(2024)["nis"])
    labels = set(table["locality_fr"] + " (" + table["postal_code"] + ")")
    assert labels <= set(choices)
    # 262 communes by name, except Celles, Neufchâteau and Saint-Léger, offered through their locality entry
    assert len(choices) == len(labels) + 259
    assert resolved["Jambes (5100)"] == "92094" and resolved["Namur"] == "92094"
    assert "Celles" not in resolved and resolved["Celles (7760)"] == "57018"


def test_typographic_punctuation_folds_like_plain():
    assert resolve_commune("Braine-l’Alleud") == "25014"
    assert resolve_commune("Braine\u2013l\u2019Alleud") == "25014"
    assert normalise_name("La\u00a0Louvière") == "la louviere"


def test_official_names_with_their_arrondissement_resolve():
    names = reference.communes_table(2024).set_index("nis")["name_fr"]
    assert names["57018"] == "Celles (Tournai)"
    assert resolve_commune("Celles (Tournai)") == "57018" and resolve_commune("CELLES (TOURNAI)") == "57018"
    assert resolve_commune(names["85034"]) == "85034" and resolve_commune(names["84043"]) == "84043"
