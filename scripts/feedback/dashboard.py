"""A dashboard a support lead can open: one self-contained HTML file written from the collector's database.

    python -m feedback dashboard --out report.html [--db PATH | --database-url URL] [--catalogue FILE]
                                 [--lang fr] [--limit N] [--comments N] [--queries N] [--days N]

Per language: helpfulness per article (horizontal bars, least helpful first, each labelled with its
"yes"/votes count so that 1/1 is not read as a solid 100 %), the reasons given with "no" for every
article that has "no" votes, votes and views per week (lines), the searches (most frequent with their
click-through, those that found nothing: the articles to write, those with results but no click; as in
``feedback report``, ``insights``) and the latest comments as text. The numbers are also given as tables
(screen readers, copying, checking).

The charts are drawn when the file is written, as inline SVG, by matplotlib (pinned in
requirements-dev.txt) through its SVG backend: a maintained, widely used library whose vector output
needs no JavaScript, no font or image download and no network, stays sharp when zoomed or printed, and
keeps its labels as text (``svg.fonttype: none``). The file carries no script and no link to another
host (its Content-Security-Policy forbids any fetch), so it opens from disk, and prints (print CSS).
Everything that comes from the data (titles, queries, comments) is escaped; queries and comments are
shown as in ``report`` (control characters as \\uXXXX, new lines as ⏎).
"""
from __future__ import annotations

import html
import io
import os
import tempfile
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from helpcenter.language.strings import strings

from .catalogue import Catalogue
from .insights import QueryStats, no_click_queries, query_stats, title_of, top_queries, zero_result_queries
from .stats import least_helpful, plural, safe_text
from .storage import REASONS, Counts, Storage

SMALL_SAMPLE = 5        # fewer votes than this: the bar is drawn lighter ("few votes")
BAR = "#3b5ba9"
BAR_FEW = "#b7c4e4"
VOTES = "#c0392b"
VIEWS = "#3b5ba9"

CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1d1d1f;
       margin: 0 auto; max-width: 1000px; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { font-size: 1.3rem; margin: 2rem 0 .5rem;
  border-bottom: 2px solid #3b5ba9; } h3 { font-size: 1.05rem; margin: 1.5rem 0 .4rem; }
.meta, .note { color: #555; font-size: .9rem; }
figure { margin: .5rem 0 1rem; } figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: #555; font-size: .85rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .25rem 0 1rem; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.date { white-space: nowrap; }
td.comment, td.query { white-space: pre-wrap; overflow-wrap: anywhere; }
table.queries th:first-child { width: 45%; }
h4 { font-size: .95rem; margin: 1rem 0 .3rem; }
details summary { cursor: pointer; color: #3b5ba9; font-size: .9rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  section.lang { break-before: page; } section.lang:first-of-type { break-before: auto; }
  figure, tr { break-inside: avoid; } h2, h3 { break-after: avoid; }
  details > summary { display: none; }
}
"""


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())        # the Monday of its ISO week


def _svg(fig, salt: str) -> str:
    """The figure as an inline <svg> element (no XML prologue), deterministic ids unique to ``salt``."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _figure(width: float, height: float):
    from matplotlib.figure import Figure          # no pyplot: no global state, no GUI backend

    fig = Figure(figsize=(width, height), dpi=96)
    fig.set_facecolor("white")
    return fig


def helpfulness_chart(rows: list[tuple[str, Counts]], salt: str) -> str:
    """Horizontal bars, first row at the top; each labelled ``NN % (yes/votes)``."""
    fig = _figure(9, 0.9 + 0.34 * len(rows))
    ax = fig.add_subplot()
    y = list(range(len(rows)))
    ratios = [100 * c.helpful_ratio for _, c in rows]
    few = [c.votes < SMALL_SAMPLE for _, c in rows]
    ax.barh(y, ratios, color=[BAR_FEW if f else BAR for f in few], edgecolor="none", height=0.65)
    for i, (r, (_, c)) in enumerate(zip(ratios, rows)):
        ax.text(min(r, 100) + 1.5, i, f"{r:.0f} % ({c.yes}/{c.votes})", va="center", fontsize=9,
                color="#1d1d1f", parse_math=False)
    ax.set_yticks(y, [label for label, _ in rows], fontsize=9, parse_math=False)
    ax.set_ylim(len(rows) - 0.5, -0.5)                          # worst first, at the top
    ax.set_xlim(0, 125)
    ax.set_xticks([0, 25, 50, 75, 100], ["0 %", "25 %", "50 %", "75 %", "100 %"], fontsize=8)
    ax.set_xlabel("helpful = yes / (yes + no); light bars: fewer than "
                  f"{SMALL_SAMPLE} votes", fontsize=8, color="#555")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#e4e4e4", linewidth=0.8)
    ax.set_axisbelow(True)
    return _svg(fig, salt)


def weekly_chart(weeks: list[tuple[date, int, int]], salt: str) -> str:
    """Votes and views per week: two lines on their own scales (views are usually far more)."""
    fig = _figure(9, 3.2)
    ax = fig.add_subplot()
    xs = [w for w, _, _ in weeks]
    votes_line, = ax.plot(xs, [v for _, v, _ in weeks], color=VOTES, marker="o", markersize=3, linewidth=1.6,
                          label="votes (yes + no)")
    ax.set_ylabel("votes", color=VOTES, fontsize=9)
    ax2 = ax.twinx()
    views_line, = ax2.plot(xs, [v for _, _, v in weeks], color=VIEWS, marker="s", markersize=3, linewidth=1.6,
                           linestyle="--", label="views")
    ax2.set_ylabel("views", color=VIEWS, fontsize=9)
    for a, values in ((ax, [v for _, v, _ in weeks]), (ax2, [v for _, _, v in weeks])):
        a.set_ylim(0, max(1, max(values)) * 1.08)
        a.tick_params(labelsize=8)
        a.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", color="#e4e4e4", linewidth=0.8)
    ax.legend(handles=[votes_line, views_line], fontsize=8, loc="upper left", frameon=False)
    ax.set_xticks(xs, [w.strftime("%d %b %Y") if len(xs) <= 12 or i % max(1, len(xs) // 12) == 0 else ""
                       for i, w in enumerate(xs)], rotation=45, ha="right", fontsize=8)
    ax.set_xlabel("week starting (Monday, UTC)", fontsize=8, color="#555")
    return _svg(fig, salt)


def weekly_counts(days, lang: str, since: date | None = None,
                  today: date | None = None) -> list[tuple[date, int, int]]:
    """[(Monday, votes, views)] for every week from the first with data (or ``since``) to this one."""
    per_week: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for _, code, day, c in days:
        if code == lang:
            w = per_week[_week(day)]
            w[0] += c.votes
            w[1] += c.views
    if not per_week:
        return []
    first = _week(since) if since else min(per_week)
    last = max(_week(today or datetime.now(timezone.utc).date()), max(per_week))
    out, w = [], first
    while w <= last:
        out.append((w, *per_week.get(w, (0, 0))))
        w += timedelta(days=7)
    return out


def _title(catalogue: Catalogue | None, art_id: int, lang: str) -> str:
    return title_of(catalogue, art_id, lang) or f"(article {art_id}, not in the catalogue)"


def _reasons_table(lang: str, totals, reasons, catalogue) -> list[str]:
    """Every article of ``lang`` with "no" votes (most first) and the reasons given with them."""
    e = html.escape
    rows = sorted(((a, c) for (a, code), c in totals.items() if code == lang and c.no),
                  key=lambda ac: (-ac[1].no, ac[0]))
    out = ['<h3 lang="en">Why “no”: the reasons given, per article</h3>']
    if not rows:
        out.append('<p class="note" lang="en">No “no” votes yet.</p>')
        return out
    labels = strings("en")
    out.append('<table class="reasons" lang="en"><thead><tr><th>article</th><th class="num">no</th>'
               + "".join(f'<th class="num" data-reason="{e(r)}">{e(labels["vote_reason_" + r])}</th>' for r in REASONS)
               + '<th class="num">no reason given</th></tr></thead><tbody>')
    for art_id, c in rows:
        given = reasons.get((art_id, lang), {})
        counts = [given.get(r, 0) for r in REASONS]
        out.append(f'<tr data-id="{art_id}"><td lang="{e(lang)}">{e(safe_text(_title(catalogue, art_id, lang)))}'
                   f' <span class="note">#{art_id}</span></td><td class="num">{c.no}</td>'
                   + "".join(f'<td class="num">{n}</td>' for n in counts)
                   + f'<td class="num">{max(0, c.no - sum(counts))}</td></tr>')
    out.append("</tbody></table>")
    return out


def _query_table(lang: str, css: str, queries: list[QueryStats]) -> str:
    e = html.escape
    rows = [f'<table class="queries {css}" lang="en"><thead><tr><th>query</th><th class="num">searches</th>'
            '<th class="num">found nothing</th><th class="num">clicks</th><th class="num">click-through</th>'
            '</tr></thead><tbody>']
    for q in queries:
        rate = "—" if q.click_rate is None else f"{100 * q.click_rate:.0f} %"
        rows.append(f'<tr><td class="query" lang="{e(lang)}" dir="auto">{e(safe_text(q.query))}</td>'
                    f'<td class="num">{q.searches}</td><td class="num">{q.zero}</td><td class="num">{q.clicks}</td>'
                    f'<td class="num">{rate}</td></tr>')
    rows.append("</tbody></table>")
    return "".join(rows)


def _searches(lang: str, search_days, limit: int) -> list[str]:
    """The searches of ``lang``: most frequent (with click-through), found nothing, results but no click."""
    queries = query_stats(search_days, lang)
    searches = sum(q.searches for q in queries)
    zero = sum(q.zero for q in queries)
    out = ['<h3 lang="en">Searches</h3>']
    if not searches:
        out.append('<p class="note" lang="en">No searches reported yet.</p>')
        return out
    out.append(f'<p class="note" lang="en">{plural(searches, "search", "searches")}, {100 * zero / searches:.0f} % '
               f'found nothing; {plural(len(queries), "distinct query", "distinct queries")}.</p>')
    sections = (("top", "Most frequent, with their click-through (clicks / searches)", top_queries),
                ("zero", "Found nothing: the articles to write, or words for an article's keywords", zero_result_queries),
                ("no-click", "Showed results, never clicked", no_click_queries))
    for css, title, pick in sections:
        chosen = pick(queries, limit)
        out.append(f'<h4 lang="en">{title}</h4>')
        out.append(_query_table(lang, css, chosen) if chosen else '<p class="note" lang="en">None.</p>')
    return out


def _lang_section(lang: str, storage: Storage, totals, days, catalogue, limit: int, comments, since,
                  reasons=None, search_days=(), queries: int = 20) -> str:
    e = html.escape
    rows = least_helpful(totals, 1, lang)
    shown = rows[:limit]
    out = [f'<section class="lang" id="lang-{e(lang)}" lang="{e(lang)}">',
           f'<h2 lang="en">Language: {e(lang)}</h2>']
    votes = sum(c.votes for (_, code), c in totals.items() if code == lang)
    views = sum(c.views for (_, code), c in totals.items() if code == lang)
    out.append(f'<p class="note" lang="en">{plural(votes, "vote")}, {plural(views, "view")}'
               + (f", {plural(len(rows), 'article')} with votes" if rows else "") + ".</p>")
    out.append('<h3 lang="en">Helpfulness per article, least helpful first</h3>')
    if shown:
        labels = [(f"{safe_text(_title(catalogue, a, lang), 45)} (#{a})", c) for (a, _), c in shown]
        out.append(f'<figure role="img" aria-label="Helpfulness per article ({e(lang)}), least helpful first">'
                   f'{helpfulness_chart(labels, f"kb-help-{lang}")}'
                   f'<figcaption lang="en">Bars: share of “yes”; the label gives yes/votes.'
                   + (f" The {len(rows) - limit} better-rated articles are left out (--limit)." if len(rows) > limit
                      else "") + "</figcaption></figure>")
        out.append('<table class="helpfulness" lang="en"><thead><tr><th>article</th><th class="num">helpful</th>'
                   '<th class="num">yes</th><th class="num">no</th><th class="num">votes</th>'
                   '<th class="num">views</th></tr></thead><tbody>')
        for (art_id, _), c in shown:
            out.append(f'<tr data-id="{art_id}"><td lang="{e(lang)}">{e(safe_text(_title(catalogue, art_id, lang)))}'
                       f' <span class="note">#{art_id}</span></td><td class="num">{100 * c.helpful_ratio:.0f} %</td>'
                       f'<td class="num">{c.yes}</td><td class="num">{c.no}</td><td class="num">{c.votes}</td>'
                       f'<td class="num">{c.views}</td></tr>')
        out.append("</tbody></table>")
    else:
        out.append('<p class="note" lang="en">No votes yet.</p>')
    out += _reasons_table(lang, totals, reasons or {}, catalogue)
    out.append('<h3 lang="en">Votes and views per week</h3>')
    weeks = weekly_counts(days, lang, since)
    if weeks:
        out.append(f'<figure role="img" aria-label="Votes and views per week ({e(lang)})">'
                   f'{weekly_chart(weeks, f"kb-week-{lang}")}</figure>')
        out.append('<details lang="en"><summary>The numbers per week</summary><table class="weekly"><thead><tr>'
                   '<th>week starting</th><th class="num">votes</th><th class="num">views</th></tr></thead><tbody>')
        out += [f'<tr><td>{w.isoformat()}</td><td class="num">{v}</td><td class="num">{n}</td></tr>'
                for w, v, n in weeks]
        out.append("</tbody></table></details>")
    else:
        out.append('<p class="note" lang="en">No votes or views yet.</p>')
    out += _searches(lang, search_days, queries)
    out.append('<h3 lang="en">Latest comments</h3>')
    mine = [c for c in comments if c.lang == lang]
    if mine:
        out.append('<table class="comments" lang="en"><thead><tr><th>date (UTC)</th><th>article</th><th>vote</th>'
                   '<th>comment</th></tr></thead><tbody>')
        for c in mine:
            out.append(f'<tr><td class="date">{c.created.astimezone(timezone.utc):%Y-%m-%d %H:%M}</td>'
                       f'<td lang="{e(lang)}">{e(safe_text(_title(catalogue, c.article_id, lang), 60))} '
                       f'<span class="note">#{c.article_id}</span></td><td>{e(c.value)}</td>'
                       f'<td class="comment" lang="{e(lang)}" dir="auto">{e(safe_text(c.comment))}</td></tr>')
        out.append("</tbody></table>")
    else:
        out.append('<p class="note" lang="en">No comments yet.</p>')
    out.append("</section>")
    return "\n".join(out)


def render(storage: Storage, catalogue: Catalogue | None = None, lang: str | None = None, limit: int = 30,
           comments: int = 10, since: date | None = None, now: datetime | None = None, queries: int = 20) -> str:
    """The whole HTML document (``limit``: articles in the helpfulness chart; ``queries``: rows per list of
    searches; ``comments``: latest comments per language)."""
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    totals = storage.totals(since)
    days = storage.days(since)
    reasons = storage.reasons(since)
    search_days = storage.search_days(since)
    languages = list(catalogue.languages) if catalogue else []
    languages += sorted(({code for _, code in totals} | {code for code, *_ in search_days}) - set(languages))
    if lang is not None:
        languages = [lang]
    # the latest comments per language: read enough of the newest to fill each language's list
    latest = [c for c in storage.comments(max(comments * 20, 200))
              if since is None or c.created.astimezone(timezone.utc).date() >= since]
    per_lang: dict[str, list] = defaultdict(list)
    for c in latest:
        if len(per_lang[c.lang]) < comments:
            per_lang[c.lang].append(c)
    picked = [c for code in languages for c in per_lang.get(code, [])]
    e = html.escape
    period = f"since {since.isoformat()}" if since else "all the data kept"
    head = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="referrer" content="no-referrer">'
            f'<title>Help center feedback, {e(now.strftime("%Y-%m-%d"))}</title><style>{CSS}</style></head><body>')
    parts = [head, "<header><h1>Help center feedback</h1>",
             f'<p class="meta">Generated {e(now.isoformat())} from {e(storage.describe())}, {e(period)}. '
             f'Languages: {e(", ".join(languages) or "none yet")}.</p></header><main>']
    if not languages:
        parts.append('<p class="note">No votes or views yet.</p>')
    for code in languages:
        parts.append(_lang_section(code, storage, totals, days, catalogue, limit, picked, since, reasons,
                                   search_days, queries))
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def write(storage: Storage, out: str | Path, **options) -> Path:
    """Write the dashboard atomically (a reader never sees half a file)."""
    page = render(storage, **options)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(page)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
