"""Search queries as the collector stores them (scripts/feedback/queries.py): normalised, then scrubbed."""
from __future__ import annotations

import pytest

from feedback.queries import clean, normalise, scrub


@pytest.mark.parametrize("typed,stored", [
    ("  Facture   PDF ", "facture pdf"),
    ("Changer\tle\u00a0moyen\u3000de  paiement", "changer le moyen de paiement"),   # any whitespace, one space
    ("ÉCHÉANCE", "échéance"),                                                     # accents kept
    ("e\u0301che\u0301ance", "échéance"),                                         # decomposed -> NFC
    ("STRASSE Straße", "strasse straße"),                                         # lower(), not casefold()
    ("TVA 20 %", "tva 20 %"),
])
def test_normalise(typed, stored):
    assert normalise(typed) == stored
    assert normalise(typed) == normalise(normalise(typed))


@pytest.mark.parametrize("query,scrubbed", [
    # e-mail addresses, whatever they look like around them
    ("contact jean.dupont+factures@exemple.fr svp", "contact [email] svp"),
    ("a@b.c", "[email]"),
    ("écrire à support@proabono", "écrire à [email]"),               # no dot after @: still an address to hide
    ("x@y.fr, z@w.com", "[email], [email]"),
    ("(écrire à jean@exemple.fr).", "(écrire à [email])."),
    ("prix @ 20", "prix @ 20"),
    # card numbers, with or without spaces and dashes
    ("carte 4970 1012 3456 7890 refusée", "carte [number] refusée"),
    ("carte 4970-1012-3456-7890", "carte [number]"),
    ("4970101234567890", "[number]"),
    # French phone numbers
    ("rappeler 06 12 34 56 78", "rappeler [number]"),
    ("+33 6 12 34 56 78", "[number]"),
    ("06.12.34.56.78", "[number]"),
    ("0612345678", "[number]"),
    # IBAN-ish, a customer number
    ("iban fr76 3000 6000 0112 3456 7890 189", "iban fr[number]"),
    ("client n°123456", "client n°[number]"),
    # short numbers are kept: years, rates, versions, quantities
    ("facture 2024", "facture 2024"),
    ("tva 20", "tva 20"),
    ("12345 abonnés", "12345 abonnés"),
    ("api v2.1.3", "api v2.1.3"),
    ("12 34 56", "[number]"),                                          # six digits, single spaces: a run
    ("12 34 5", "12 34 5"),
    ("1  2  3  4  5  6", "1  2  3  4  5  6"),                         # two spaces between: not one run
    ("", ""),
])
def test_scrub(query, scrubbed):
    assert scrub(query) == scrubbed


@pytest.mark.parametrize("typed,stored", [
    ("  Mon e-mail : Jean.Dupont@Exemple.FR  ", "mon e-mail : [email]"),
    ("Appeler le 06 12 34 56 78 pour la TVA 20", "appeler le [number] pour la tva 20"),
    ("Numéro\u00a0+33\u00a06 12 34 56 78", "numéro [number]"),      # non-breaking spaces: collapsed first
    ("06\u200b12\u200b34\u200b56\u200b78", "[number]"),             # zero-width spaces: dropped first
    ("jean\u200d@exemple.fr\u2066", "[email]"),                      # a joiner, a bidi isolate
])
def test_clean_normalises_then_scrubs_and_is_idempotent(typed, stored):
    assert clean(typed) == stored
    assert clean(clean(typed)) == clean(typed)
