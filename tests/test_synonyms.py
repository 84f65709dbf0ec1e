"""Search synonyms (docs/synonyms.yml and the glossary): loading, matching, errors, and the index."""
from __future__ import annotations

import json

from helpcenter.search import searchindex, synonyms


def _write(tmp_path, synonyms_text=None, glossary_text=None):
    docs = tmp_path / "docs"
    docs.mkdir(parents=True)
    if synonyms_text is not None:
        (docs / "synonyms.yml").write_text(synonyms_text, encoding="utf-8")
    if glossary_text is not None:
        (docs / "glossary.yml").write_text(glossary_text, encoding="utf-8")
    return docs


def test_groups_match_whole_words_ignoring_case_accents_and_plural(tmp_path):
    docs = _write(tmp_path, "fr:\n  - [carte bancaire, CB]\n  - [résilier, annuler]\nen:\n  - [cancel, terminate]\n")
    groups, problems = synonyms.load(docs, ["fr", "en"], root=tmp_path)
    assert problems == []
    assert synonyms.keywords(groups["fr"], "Payer par Cartes Bancaires") == ["CB"]
    assert synonyms.keywords(groups["fr"], "Comment resilier ?") == ["annuler"]
    assert synonyms.keywords(groups["fr"], "une cartes bancairesque") == []          # whole words only
    assert synonyms.keywords(groups["en"], "Terminate the subscription") == ["cancel"]
    assert synonyms.keywords(groups["en"], "résilier") == []                         # one list per language


def test_glossary_terms_join_both_languages(tmp_path):
    docs = _write(tmp_path, None, "terms:\n  - fr: Portail Client\n    en: Customer Portal\n"
                                  "  - en: behavior\n    refuse_en: [behaviour]\n")
    groups, problems = synonyms.load(docs, ["fr", "en"], root=tmp_path)
    assert problems == []
    assert synonyms.keywords(groups["fr"], "le portail client") == ["Customer Portal"]
    assert synonyms.keywords(groups["en"], "the Customer Portal") == ["Portail Client"]
    assert synonyms.keywords(groups["en"], "behavior") == []                        # spelling rules: no group


def test_a_bad_synonyms_file_names_file_line_and_fix(tmp_path):
    docs = _write(tmp_path, "fr:\n  - [carte, CB\nen: []\n")
    _, problems = synonyms.load(docs, ["fr", "en"], root=tmp_path)
    assert len(problems) == 1 and str(problems[0]).startswith("docs/synonyms.yml:3: invalid YAML")
    assert "(fix: " in str(problems[0])
    docs2 = _write(tmp_path / "b", "de:\n  - [a, b]\nfr:\n  - carte\n")
    _, problems = synonyms.load(docs2, ["fr", "en"], root=tmp_path / "b")
    assert [p.message for p in problems] == ["unknown language 'de'", "fr: 'carte' is not a list of words"]


def test_index_tags_become_escaped_keywords_with_synonyms(tmp_path):
    groups = {"fr": [synonyms.make_group(["moyen de paiement", "CB"])]}
    index = {"config": {"lang": ["fr"], "fields": {"title": {"boost": 1000}, "text": {"boost": 1},
                                                   "tags": {"boost": 1e6}}},
             "docs": [{"location": "a/", "title": "Supprimer", "text": "<p>Le moyen de paiement</p>",
                       "tags": ["pages-hebergees", "<b>x</b>"]},
                      {"location": "a/#s", "title": "Section", "text": "<p>rien</p>", "tags": ["pages-hebergees"]}]}
    out = searchindex.tune(json.loads(json.dumps(index)), "fr", groups["fr"])
    first, section = out["docs"]
    assert first["keywords"] == ["pages hebergees", "&lt;b&gt;x&lt;/b&gt;", "CB"]
    assert "tags" not in first and "tags" not in section and "keywords" not in section
    assert "tags" not in out["config"]["fields"] and out["config"]["fields"]["keywords"]["boost"] > 1
    assert out["config"]["kb_corrected"].startswith("Résultats pour")


def test_project_synonyms_file_loads_without_problems():
    from conftest import ROOT
    groups, problems = synonyms.load(ROOT / "docs", ["fr", "en"], root=ROOT)
    assert problems == [] and len(groups["fr"]) >= 10 and len(groups["en"]) >= 10


def test_a_see_also_section_gets_no_synonyms_of_the_titles_it_lists():
    """"Voir aussi" lists other articles' titles: their synonyms would make this article answer for them."""
    groups = [synonyms.make_group(["moyen de paiement", "CB"])]
    index = {"config": {"fields": {}}, "docs": [
        {"location": "a/#see-also", "title": "Voir aussi", "text": "<p>Supprimer le moyen de paiement</p>"},
        {"location": "a/#usage", "title": "Usage", "text": "<p>Supprimer le moyen de paiement</p>"}]}
    see_also, usage = searchindex.tune(index, "fr", groups)["docs"]
    assert "keywords" not in see_also and usage["keywords"] == ["CB"]
