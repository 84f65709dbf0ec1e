"""`python -m feedback dashboard`: one self-contained HTML file, opened in chromium from disk."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

from feedback.storage import SQLiteStorage, View, Vote
from feedback_support import ROOT, start_service, write_catalogue
from test_feedback_cli import cli

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
HTML_QUERY = '<img src=x onerror="window.__pwned = 3">'
EVIL = 'Bouton introuvable <script>window.__pwned = 1</script><img src="https://example.com/x.png" onerror="window.__pwned = 2">'


def fill(db: Path, now: datetime) -> None:
    """Known data: fr #1 3 yes / 1 no (75 %), fr #2 1 yes (1/1), fr #3 0 yes / 2 no (one "missing-steps",
    one without reason); en #2 1 no ("outdated"); views of fr #1 spread over three weeks."""
    three_weeks_ago = now - timedelta(days=21)
    storage = SQLiteStorage(db)
    storage.record([Vote(1, "fr", "yes", None, three_weeks_ago)] * 3
                   + [Vote(1, "fr", "no", "Il manque une capture.", now - timedelta(days=1))]
                   + [Vote(2, "fr", "yes", None, now)]
                   + [Vote(3, "fr", "no", None, now, None, "missing-steps"), Vote(3, "fr", "no", EVIL, now)]
                   + [Vote(2, "en", "no", "Wrong menu name", now, None, "outdated")]
                   + [View(1, "fr", three_weeks_ago.date())] * 5 + [View(1, "fr", now.date())] * 2
                   + [View(3, "fr", now.date())] * 4)
    storage.close()


# searches as the widget reports them, through the real service: (body, reported again with a click)
SEARCHES = [{"lang": "fr", "query": "  Remboursement   PARTIEL ", "results": 0},
            {"lang": "fr", "query": HTML_QUERY, "results": 0},
            {"lang": "fr", "query": "facture", "results": 3, "search_id": "search-0001"},
            {"lang": "fr", "query": "facture", "results": 3, "search_id": "search-0001", "clicked_id": 1},
            {"lang": "fr", "query": "Facture", "results": 3},
            {"lang": "en", "query": "invoice", "results": 2}]


def test_dashboard_shows_the_summary_numbers_in_a_self_contained_page(tmp_path, browser):
    now = datetime.now(timezone.utc)
    cat = write_catalogue(tmp_path / "kb-catalogue.json")
    db = tmp_path / "feedback.sqlite3"
    fill(db, now)
    # the numbers the collector's summary API gives for the same database; searches sent to the service
    with start_service(tmp_path, cat, db=db) as service:
        for body in SEARCHES:
            r = httpx.post(service.url("/api/search"), json=body, timeout=10)
            assert r.status_code == 201, r.text
        summary = httpx.get(service.url("/api/feedback/summary?lang=fr"), timeout=10).json()
        summary_en = httpx.get(service.url("/api/feedback/summary?lang=en"), timeout=10).json()
    r = cli("dashboard", "--db", str(db), "--catalogue", str(cat), "--out", "out/report.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    page_file = tmp_path / "out" / "report.html"
    text = page_file.read_text(encoding="utf-8")
    assert "<script" not in text and "&lt;script&gt;" in text        # no script of ours, the comment's escaped
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text)      # nothing to fetch
    assert "<img" not in text and "&lt;img src=x" in text                         # the query, escaped

    voted = [a for a in summary["articles"] if a["yes"] + a["no"]]
    assert {a["id"]: (a["yes"], a["no"], a["views"]) for a in voted} == {1: (3, 1, 7), 2: (1, 0, 0), 3: (0, 2, 4)}

    requests: list[str] = []
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    try:
        page = context.new_page()
        page.on("request", lambda req: requests.append(req.url))
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")

        fr = page.locator("#lang-fr")
        rows = fr.locator("table.helpfulness tbody tr")
        shown = [[c.strip() for c in rows.nth(i).locator("td").all_inner_texts()] for i in range(rows.count())]
        # least helpful first; every ratio with its vote count, equal to the summary's
        assert [int(r.get_attribute("data-id")) for r in rows.all()] == [3, 1, 2]
        by_id = {a["id"]: a for a in voted}
        for row_id, cells in zip([3, 1, 2], shown):
            a = by_id[row_id]
            assert a["title"] in cells[0]
            assert cells[1:] == [f"{round(100 * a['helpful_ratio'])} %", str(a["yes"]), str(a["no"]),
                                 str(a["yes"] + a["no"]), str(a["views"])]
        # the chart labels carry the counts too: 1/1 is not a bare 100 %
        chart = fr.locator("figure").first.inner_html()
        for label in ("0 % (0/2)", "75 % (3/4)", "100 % (1/1)"):
            assert label in chart
        assert "Premier article (#1)" in chart
        # weekly numbers: the three-weeks-old votes and views are in their own week, this week's below
        weeks = fr.locator("table.weekly tbody tr")
        weekly = {cells[0]: (int(cells[1]), int(cells[2]))
                  for cells in ([c.strip() for c in weeks.nth(i).locator("td").all_text_contents()]
                                for i in range(weeks.count()))}
        monday = lambda d: (d - timedelta(days=d.weekday())).isoformat()   # noqa: E731
        old = monday((now - timedelta(days=21)).date())
        assert weekly[old] == (3, 5)
        assert sum(v for v, _ in weekly.values()) == sum(a["yes"] + a["no"] for a in voted)
        assert sum(n for _, n in weekly.values()) == sum(a["views"] for a in voted)
        assert len(weekly) == 4 and list(weekly) == sorted(weekly)          # empty weeks shown as 0
        # comments: as text, the <script> one shown literally and never run
        comments = fr.locator("table.comments td.comment").all_inner_texts()
        assert comments[0] == EVIL and "Il manque une capture." in comments
        assert page.evaluate("window.__pwned") is None
        assert page.locator("script").count() == 0 and page.locator("main img").count() == 0
        en = page.locator("#lang-en")
        assert en.locator("table.comments td.comment").all_inner_texts() == ["Wrong menu name"]
        assert en.locator("table.helpfulness tbody tr td").nth(1).inner_text() == "0 %"

        # reasons: every article with "no" votes, its counts equal to the summary's
        labels = {"outdated": "Incorrect or outdated information", "missing-steps": "Missing steps",
                  "unclear": "Hard to understand", "other": "Other"}
        for section, articles in ((fr, summary["articles"]), (en, summary_en["articles"])):
            table = section.locator("table.reasons")
            heads = [h.strip() for h in table.locator("thead th").all_inner_texts()]
            assert heads == ["article", "no", *labels.values(), "no reason given"]
            shown = {int(row.get_attribute("data-id")): [int(c) for c in row.locator("td").all_inner_texts()[1:]]
                     for row in table.locator("tbody tr").all()}
            expected = {a["id"]: [a["no"], *(a["reasons"][code] for code in labels),
                                  a["no"] - sum(a["reasons"].values())] for a in articles if a["no"]}
            assert shown == expected and expected
        assert fr.locator('table.reasons tr[data-id="3"] td').all_inner_texts()[1:] == ["2", "0", "1", "0", "0", "1"]

        # searches sent to the service: found nothing (normalised, the HTML-looking one as text), and the
        # most frequent with their click-through (one search reported twice, clicked, counts once)
        zero = fr.locator("table.queries.zero tbody tr")
        assert [[c.strip() for c in zero.nth(i).locator("td").all_inner_texts()] for i in range(zero.count())] \
            == [[HTML_QUERY.lower(), "1", "1", "0", "0 %"], ["remboursement partiel", "1", "1", "0", "0 %"]]
        top = fr.locator("table.queries.top tbody tr").first.locator("td").all_inner_texts()
        assert [c.strip() for c in top] == ["facture", "2", "0", "1", "50 %"]
        assert en.locator("table.queries.no-click td.query").all_inner_texts() == ["invoice"]
        assert "4 searches, 50 % found nothing" in fr.inner_text()
        assert page.evaluate("window.__pwned") is None

        assert requests == [page_file.as_uri()], requests     # nothing but the file itself
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "feedback-dashboard.png"), full_page=True)
        page.emulate_media(media="print")
        assert fr.locator("figure svg").count() == 2 and fr.locator("figure svg").first.is_visible()
        page.screenshot(path=str(SCREENSHOTS / "feedback-dashboard-print.png"), full_page=True)
        assert requests == [page_file.as_uri()], requests
    finally:
        context.close()


def test_dashboard_without_data(tmp_path):
    r = cli("dashboard", "--db", "empty.sqlite3", "--out", "d.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "d.html").read_text(encoding="utf-8")
    assert "No votes or views yet." in page and "<svg" not in page


def test_dashboard_of_one_language_and_the_last_days(tmp_path):
    now = datetime.now(timezone.utc)
    cat = write_catalogue(tmp_path / "kb-catalogue.json")
    fill(tmp_path / "f.sqlite3", now)
    r = cli("dashboard", "--db", "f.sqlite3", "--catalogue", str(cat), "--lang", "fr", "--days", "7",
            "--comments", "1", "--out", "d.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "d.html").read_text(encoding="utf-8")
    assert 'id="lang-fr"' in page and 'id="lang-en"' not in page and "Wrong menu name" not in page
    # the votes of three weeks ago are left out: article 1 has its one "no" of yesterday only
    assert re.search(r'<tr data-id="1">.*?<td class="num">0 %</td><td class="num">0</td><td class="num">1</td>',
                     page)
    assert page.count('<td class="comment"') == 1 and "Il manque une capture." not in page    # the latest only
