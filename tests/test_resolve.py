"""Resolving what people type to a commune code."""

from __future__ import annotations

import pytest

from relais_analysis.errors import ReferenceDataError, UnknownCommuneError
from relais_analysis.resolve import get_resolver, normalise_name, resolve_commune


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
