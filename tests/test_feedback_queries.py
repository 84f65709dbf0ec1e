"""Search queries as the collector stores them (scripts/feedback/queries.py): normalised, then scrubbed."""
from __future__ import annotations

import pytest

from feedback.queries import clean, normalise, scrub


@pytest.mark.parametrize("typed,stored", [
    ("  Facture   PDF ", "facture pdf"),
    ("Changer\tle\u00a0moyen\u3000de  paiement", "changer le moyen de paiement"),   # any whitespace, one space
    ("ÉCHÉANCE", "échéance"),                                                     # accents kept
    ("e\u0301che\u0301ance", "échéance"),                                         # decomposed -> composed
    ("ＦＡＣＴＵＲＥ ２０２４", "facture 2024"),                                     # fullwidth -> NFKC
    ("ﬁchier ² ½", "fichier 2 1⁄2"),                                              # compatibility forms
    ("\u200b\u2066\ufeff", ""),                                                   # invisible only: empty
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
    ("iban fr76 3000 6000 0112 3456 7890 189", "iban [iban]"),
    ("fr7630006000011234567890189", "[iban]"),
    ("gb29 nwbk 6016 1331 9268 19 svp", "[iban] svp"),
    ("client n°123456", "client n°[number]"),
    # short numbers are kept: years, rates, versions, quantities
    ("facture 2024", "facture 2024"),
    ("tva 20", "tva 20"),
    ("12345 abonnés", "12345 abonnés"),
    ("api v2.1.3", "api v2.1.3"),
    ("12 34 56", "[number]"),                                          # six digits, single spaces: a run
    ("12 34 5", "12 34 5"),
    # any separator between digit groups: six digits in total make a number to hide
    ("06/12/34/56/78", "[number]"),
    ("06_12_34_56_78", "[number]"),
    ("06,12,34", "[number]"),
    ("06:12:34:56:78", "[number]"),
    ("06 - 12 - 34", "[number]"),
    ("06\u201112\u201334\u201456\u221278", "[number]"),
    ("12:30", "12:30"),
    ("2 offres", "2 offres"),
    ("10 %", "10 %"),
    ("v2.1.0", "v2.1.0"),
    ("1,5 %", "1,5 %"),
    # disguised addresses
    ("jean.dupont(at)gmail.com", "[email]"),
    ("jean.dupont [at] gmail [dot] com", "[email]"),
    ("jean.dupont at gmail.com", "[email]"),
    ("jdupont at gmail.com", "[email]"),
    ("log in at app.example.com", "log in at app.example.com"),
    ("look at invoice.pdf", "look at invoice.pdf"),
    ("jean @ gmail.com", "[email]"),
    ("jean%40gmail.com", "[email]"),
    ("jean&#64;gmail.com", "[email]"),
    ("jean&#x40;gmail.com", "[email]"),
    ("a@b@c", "[email]@c"),
    ("1  2  3  4  5  6", "[number]"),                                 # two spaces: a separator too
    ("06--12--34", "[number]"),
    ("06 // 12 // 34", "[number]"),
    ("12 ... 34", "12 ... 34"),
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
    ("jean.dupont＠gmail.com", "[email]"),                             # fullwidth @
    ("jean.dupont﹫gmail.com", "[email]"),                             # small @
    ("０６ １２ ３４ ５６ ７８", "[number]"),                             # fullwidth digits and spaces
])
def test_clean_normalises_then_scrubs_and_is_idempotent(typed, stored):
    assert clean(typed) == stored
    assert clean(clean(typed)) == clean(typed)


def test_clean_is_idempotent_on_odd_mixtures():
    """Placeholders hold no digit, no "@" and no separator: cleaning again never finds more."""
    import random
    rng = random.Random(23)
    pieces = list("abc@. -/_,:()[]<>{}0123456789%&#;+") + ["\u2013", " at ", " dot ", "(at)", "fr76", "%40",
                                                        "&#64;", " arobase ", "[email]", "[number]", "gmail.com"]
    for _ in range(5000):
        typed = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        assert clean(clean(typed)) == clean(typed), typed
