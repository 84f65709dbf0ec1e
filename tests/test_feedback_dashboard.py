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
EVIL = 'Bouton introuvable <script>window.__pwned = 1</script><img src="https://example.com/x.png" onerror="window.__pwned = 2">'


def fill(db: Path, now: datetime) -> None:
    """Known data: fr #1 3 yes / 1 no (75 %), fr #2 1 yes (1/1), fr #3 0 yes / 2 no; en #2 1 no;
    views of fr #1 spread over three weeks."""
    three_weeks_ago = now - timedelta(days=21)
    storage = SQLiteStorage(db)
    storage.record([Vote(1, "fr", "yes", None, three_weeks_ago)] * 3
                   + [Vote(1, "fr", "no", "Il manque une capture.", now - timedelta(days=1))]
                   + [Vote(2, "fr", "yes", None, now)]
                   + [Vote(3, "fr", "no", None, now), Vote(3, "fr", "no", EVIL, now)]
                   + [Vote(2, "en", "no", "Wrong menu name", now)]
                   + [View(1, "fr", three_weeks_ago.date())] * 5 + [View(1, "fr", now.date())] * 2
                   + [View(3, "fr", now.date())] * 4)
    storage.close()


def test_dashboard_shows_the_summary_numbers_in_a_self_contained_page(tmp_path, browser):
    now = datetime.now(timezone.utc)
    cat = write_catalogue(tmp_path / "kb-catalogue.json")
    db = tmp_path / "feedback.sqlite3"
    fill(db, now)
    r = cli("dashboard", "--db", str(db), "--catalogue", str(cat), "--out", "out/report.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    page_file = tmp_path / "out" / "report.html"
    text = page_file.read_text(encoding="utf-8")
    assert "<script" not in text and "&lt;script&gt;" in text        # no script of ours, the comment's escaped
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text)      # nothing to fetch

    # the numbers the collector's summary API gives for the same database
    with start_service(tmp_path, cat, db=db) as service:
        summary = httpx.get(service.url("/api/feedback/summary?lang=fr"), timeout=10).json()
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
