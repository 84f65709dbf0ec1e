"""The report's three layouts, thin over the data of ``feedback.insights.report_data``:

* ``text``: for a terminal; everything from the data (titles, queries, comments) through ``safe_text``
  (control characters and Unicode line breaks shown as \\uXXXX, so that no escape sequence reaches the
  terminal);
* ``json``: the data itself (UTF-8, ratios as fractions, dates ISO);
* ``csv``: one table, a row per item, the ``section`` column telling which list it belongs to
  (``trend``, ``least_helpful``, ``top_query``, ``zero_result_query``, ``no_click_query``), empty cells
  where a column does not apply; every cell quoted; no text can start a formula, whatever separator the
  spreadsheet splits on (``csv_text``).
"""
from __future__ import annotations

import csv
import io
import json
import re

from .stats import plural, safe_text
from .storage import REASONS

FORMATS = ("text", "json", "csv")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet may split a line on "," (the file's separator), ";" (its locale's) or a tab, and a naive one
# splits lines on a line break: every place where a cell could start, then spaces and quotes it may strip,
# then a character that starts a formula.
SPLITTERS = ",;\t\r\n"
_CELL_START = re.compile(rf"(^|[{SPLITTERS}])(?=[ \"']*[{re.escape(''.join(FORMULA_START))}])")
QUERY_SECTIONS = (("top_queries", "top_query"), ("zero_result_queries", "zero_result_query"),
                  ("no_click_queries", "no_click_query"))
CSV_COLUMNS = ("section", "lang", "id", "subject", "searches", "zero_results", "clicks", "click_rate", "votes",
               "yes", "no", "views", "helpful_ratio", *(f"reason_{r}" for r in REASONS), "current", "previous",
               "change", "relative_change")


def render(data: dict, fmt: str) -> str:
    return {"text": text, "json": as_json, "csv": as_csv}[fmt](data)


# ------------------------------------------------------------------------------------------------ JSON

def as_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


# ------------------------------------------------------------------------------------------------- CSV

def csv_text(text: str) -> str:
    """Text no spreadsheet runs as a formula: a ``'`` is put at the start of the cell and right after each
    ``,``, ``;``, tab or line break when what follows (after spaces and quotes) starts with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return: ``aide;=1+1;`` -> ``aide;'=1+1;``, ``=1`` -> ``'=1``."""
    return _CELL_START.sub(r"\1'", text)


def csv_cell(value) -> str | int | float:
    """A cell a spreadsheet shows as it is: no formula, None as empty, ratios as plain numbers (numbers are
    ours, never text from a reader: -2 stays a number)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, str):
        return csv_text(value)
    return value


def as_csv(data: dict) -> str:
    rows: list[dict] = []
    for t in data["trends"]:
        for m in t["metrics"]:
            rows.append({"section": "trend", "lang": t["lang"], "subject": m["name"], "current": m["current"],
                         "previous": m["previous"], "change": m["change"], "relative_change": m["relative"]})
    for a in data["least_helpful"]:
        rows.append({"section": "least_helpful", "lang": a["lang"], "id": a["id"], "subject": a["title"],
                     **{k: a[k] for k in ("votes", "yes", "no", "views", "helpful_ratio")},
                     **{f"reason_{r}": n for r, n in a["reasons"].items()}})
    for key, section in QUERY_SECTIONS:
        for lang, queries in data[key].items():
            for q in queries:
                rows.append({"section": section, "lang": lang, "subject": q["query"],
                             **{k: q[k] for k in ("searches", "zero_results", "clicks", "click_rate")}})
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------ text

def _pct(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.0%}"


def _change(m: dict) -> str:
    if m["change"] is None:
        return "—"
    if m["kind"] == "ratio":
        return f"{100 * m['change']:+.0f} pts"
    rel = f" ({m['relative']:+.0%})" if m["relative"] is not None else ""
    return f"{m['change']:+d}{rel}"


LABELS = {"votes": "votes", "views": "views", "helpful_ratio": "helpful ratio", "searches": "searches",
          "zero_result_rate": "zero-result rate"}


def _period_line(data: dict) -> str:
    p, prev = data["period"], data["previous_period"]
    if p["start"] is None:
        return "Help center report: all the data kept (no trend; --days N compares N days with the N before)."
    return (f"Help center report: the last {plural(p['days'], 'day')} ({p['start']} to {p['end']}, UTC), "
            f"compared with the {plural(p['days'], 'day')} before ({prev['start']} to {prev['end']}).")


def _trend_lines(data: dict) -> list[str]:
    if data["previous_period"] is None:
        return []
    lines = ["", "Trends (this period vs the previous one):", "",
             f"  lang  {'measure':<17}  {'this period':>11}  {'previous':>8}  change"]
    for t in data["trends"]:
        for m in t["metrics"]:
            fmt = _pct if m["kind"] == "ratio" else str
            lines.append(f"  {t['lang']:<4}  {LABELS[m['name']]:<17}  {fmt(m['current']):>11}  "
                         f"{fmt(m['previous']):>8}  {_change(m)}")
    return lines


def _article_lines(data: dict) -> list[str]:
    lines = ["", "Least helpful articles first (helpful = yes / (yes + no)):", ""]
    rows = data["least_helpful"]
    if not rows:
        lines.append("  no article has votes yet" if data["min_votes"] <= 1
                     else f"  no article has {data['min_votes']}+ votes yet")
        return lines
    lines.append(f"  {'helpful':>7}  {'yes':>5}  {'no':>5}  {'views':>6}  lang  {'id':>4}  title")
    for a in rows:
        title = safe_text(a["title"], 70) if a["title"] is not None else "(not in the catalogue)"
        lines.append(f"  {a['helpful_ratio']:>7.0%}  {a['yes']:>5}  {a['no']:>5}  {a['views']:>6}  "
                     f"{a['lang']:<4}  {a['id']:>4}  {title}")
        given = [f"{r} {n}" for r, n in a["reasons"].items() if n]
        if given:
            lines.append(f"  {'':>7}  reasons: " + ", ".join(given))
        for cm in a["comments"]:
            lines.append(f"  {'':>7}  {cm['created'][:10]} {cm['value']:>3}: {safe_text(cm['comment'], 200)}")
    if data["least_helpful_more"]:
        lines.append(f"  … {data['least_helpful_more']} more (--limit)")
    return lines


QUERY_TITLES = {"top_queries": "Top searches",
                "zero_result_queries": "Searches that found nothing (write the article, or add the words to the keywords: of the one that answers)",
                "no_click_queries": "Searches with results but no click (add the words to the keywords: of the article that answers, or to docs/synonyms.yml)"}


def _query_lines(data: dict) -> list[str]:
    lines = []
    for key, title in QUERY_TITLES.items():
        for lang, queries in data[key].items():
            lines += ["", f"{title}, {lang}:", ""]
            if not queries:
                lines.append("  none" if key != "top_queries" else "  no search yet")
                continue
            lines.append(f"  {'searches':>8}  {'no result':>9}  {'clicks':>6}  {'click-through':>13}  query")
            for q in queries:
                lines.append(f"  {q['searches']:>8}  {q['zero_results']:>9}  {q['clicks']:>6}  "
                             f"{_pct(q['click_rate']):>13}  {safe_text(q['query'], 100)}")
    return lines


def text(data: dict) -> str:
    lines = [_period_line(data)] + _trend_lines(data) + _article_lines(data) + _query_lines(data) + [""]
    if data["catalogue_articles"] is not None:
        lines.append(f"{data['catalogue_articles_without_votes']} of {data['catalogue_articles']} catalogue "
                     "articles have no votes yet.")
    t = data["totals"]
    lines.append(f"Total: {plural(t['votes'], 'vote')}, {plural(t['views'], 'view')}, "
                 f"{plural(t['searches'], 'search', 'searches')}.")
    return "\n".join(lines)
