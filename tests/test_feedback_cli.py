"""Command line: export (the statistics file the build reads), report, and start-up errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from feedback.databases import open_storage
from feedback.storage import Search, SQLiteStorage, View, Vote
from feedback_support import ROOT, postgres, write_catalogue
from helpcenter.ranking import popular
from helpcenter import content


def cli(*args, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDBACK_")}
    full_env.update(**(env or {}))
    return subprocess.run([sys.executable, "-m", "feedback", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=60)


def fill(storage, events):
    storage.record(events)
    storage.close()


def test_export_writes_the_statistics_format_the_build_reads(tmp_path):
    # the default database is outside the checkout (a redeploy or `git clean -fdx` cannot erase it)
    state = tmp_path / "state"
    fill(SQLiteStorage(state / "proabono-kb" / "feedback.sqlite3"),
         [Vote(1, "fr", "yes"), Vote(1, "fr", "no"), View(1, "fr"), View(1, "fr"), Vote(2, "en", "yes"),
          Search("fr", "facture", 3, 1), Search("fr", "facture pdf", 2, 1), Search("fr", "facture", 3),
          Search("en", "invoice", 0), Search("en", "invoice", 4, 3)])
    (tmp_path / "data").mkdir()
    # the documented command, run from the project folder: default database -> data/stats.json
    r = cli("export", "--out", "data/stats.json", cwd=tmp_path, env={"XDG_STATE_HOME": str(state)})
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "data" / "stats.json").read_text(encoding="utf-8"))
    assert set(data) == {"version", "generated", "articles"} and data["version"] == 1
    assert datetime.fromisoformat(data["generated"]).tzinfo is not None
    # popularity: views + 10 × yes + 5 × search clicks (two searches led to 1/fr, one to 3/en)
    assert data["articles"] == {"1": {"fr": {"views": 2, "yes": 1, "no": 1, "search_clicks": 2, "popularity": 22}},
                                "2": {"en": {"views": 0, "yes": 1, "no": 0, "search_clicks": 0, "popularity": 10}},
                                "3": {"en": {"views": 0, "yes": 0, "no": 0, "search_clicks": 1, "popularity": 5}}}
    stats, warning = popular.load_stats(tmp_path / "data" / "stats.json")
    assert warning is None
    assert stats == {(1, "fr"): popular.Counts(2, 1, 1, 2), (2, "en"): popular.Counts(0, 1, 0),
                     (3, "en"): popular.Counts(search_clicks=1)}
    assert [stats[k].popularity for k in sorted(stats)] == [22, 10, 5]
    assert not [p for p in (tmp_path / "data").iterdir() if p.name.startswith(".stats.json")]  # no temp file


def test_exported_statistics_change_the_popular_ranking(tmp_path):
    articles = list(content.load(ROOT / "docs", ["fr", "en"], "fr", root=ROOT)["fr"].by_id.values())
    by_weight = popular.rank(articles, "fr", None, len(articles))
    last = by_weight[-1]
    assert popular.rank(articles, "fr", None, 5)[0] is not last
    storage = SQLiteStorage(tmp_path / "f.sqlite3")
    fill(storage, [Vote(last.id, "fr", "yes") for _ in range(100)] + [View(last.id, "fr") for _ in range(50)]
         + [Vote(last.id, "en", "yes") for _ in range(500)])     # English votes do not rank French pages
    assert cli("export", "--db", "f.sqlite3", "--out", "stats.json", cwd=tmp_path).returncode == 0
    stats, warning = popular.load_stats(tmp_path / "stats.json")
    assert warning is None and stats[(last.id, "fr")].popularity == popular.DAY_CAP     # one day: 50 + 10 × 100
    ranked = popular.rank(articles, "fr", stats, 5)
    assert ranked[0] is last
    assert [a.id for a in ranked[1:]] == [a.id for a in by_weight if a is not last][:4]


def test_a_one_day_burst_of_votes_does_not_outrank_steady_popularity(tmp_path):
    """Ballot stuffing (or a bot): 1,000 "yes" and 2,000 views in one day for one article; another article
    read 60 times and liked 4 times a day for a week. The steady one stays first."""
    articles = list(content.load(ROOT / "docs", ["fr", "en"], "fr", root=ROOT)["fr"].by_id.values())
    by_weight = popular.rank(articles, "fr", None, len(articles))
    stuffed, steady = by_weight[-1], by_weight[-2]
    today = datetime.now(timezone.utc)
    burst = [Vote(stuffed.id, "fr", "yes", None, today) for _ in range(1000)] \
        + [View(stuffed.id, "fr", today.date()) for _ in range(2000)]
    week = [e for d in range(7) for e in
            [Vote(steady.id, "fr", "yes", None, today - timedelta(days=d)) for _ in range(4)]
            + [View(steady.id, "fr", (today - timedelta(days=d)).date()) for _ in range(60)]]
    fill(SQLiteStorage(tmp_path / "f.sqlite3"), burst + week)
    assert cli("export", "--db", "f.sqlite3", "--out", "stats.json", cwd=tmp_path).returncode == 0
    stats, warning = popular.load_stats(tmp_path / "stats.json")
    assert warning is None
    assert stats[(stuffed.id, "fr")] == popular.Counts(2000, 1000, 0)          # the counts stay true
    assert stats[(steady.id, "fr")].popularity == 7 * (60 + 10 * 4) > stats[(stuffed.id, "fr")].popularity
    assert [a.id for a in popular.rank(articles, "fr", stats, 2)] == [steady.id, stuffed.id]


def test_export_of_the_last_days_only(tmp_path):
    now = datetime.now(timezone.utc)
    fill(SQLiteStorage(tmp_path / "f.sqlite3"),
         [Vote(1, "fr", "yes", None, now - timedelta(days=100)), Vote(1, "fr", "no", None, now),
          View(2, "fr", (now - timedelta(days=100)).date())])
    assert cli("export", "--db", "f.sqlite3", "--out", "s.json", "--days", "30", cwd=tmp_path).returncode == 0
    data = json.loads((tmp_path / "s.json").read_text())
    assert data["articles"] == {"1": {"fr": {"views": 0, "yes": 0, "no": 1, "search_clicks": 0, "popularity": 0}}}


def test_export_from_postgresql_and_from_the_environment(tmp_path):
    url = postgres().new_database()
    fill(open_storage(database_url=url), [Vote(3, "en", "no"), View(3, "en")])
    r = cli("export", "--out", "s.json", cwd=tmp_path, env={"FEEDBACK_DATABASE_URL": url})
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "s.json").read_text())["articles"] == {"3": {"en": {"views": 1, "yes": 0, "no": 1,
                                                                                     "search_clicks": 0,
                                                                                     "popularity": 1}}}
    # an explicit --db wins over the environment
    fill(SQLiteStorage(tmp_path / "x.sqlite3"), [Vote(1, "fr", "yes")])
    r = cli("export", "--db", "x.sqlite3", "--out", "t.json", cwd=tmp_path, env={"FEEDBACK_DATABASE_URL": url})
    assert json.loads((tmp_path / "t.json").read_text())["articles"] == {"1": {"fr": {"views": 0, "yes": 1, "no": 0,
                                                                                     "search_clicks": 0,
                                                                                     "popularity": 10}}}


def test_report_lists_the_least_helpful_first_with_comments(tmp_path):
    cat = write_catalogue(tmp_path / "kb-catalogue.json")
    t = (datetime.now(timezone.utc) - timedelta(days=3)).replace(hour=10)       # within the default 30 days
    fill(SQLiteStorage(tmp_path / "f.sqlite3"),
         [Vote(1, "fr", "yes")] * 3 + [Vote(1, "fr", "no", "Il manque une capture.", t)]
         + [Vote(2, "en", "no", "Wrong menu name \x1b[2J\x1b[31m and \u202eevil\u2028line\u2029para", t)]
         + [Vote(2, "en", "yes")]
         + [Vote(3, "en", "no", None, t, None, "missing-steps")] + [Vote(3, "en", "no", None, t, None, "unclear")]
         + [View(3, "en")] * 7)
    r = cli("report", "--db", "f.sqlite3", "--catalogue", str(cat), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    lines = [l for l in out.splitlines() if l.strip()]
    order = [l for l in lines if "article" in l and "%" in l]
    assert [l.split()[-2] for l in order] == ["Third", "Second", "Premier"]     # 0 %, 50 %, 75 %
    assert "0%" in order[0] and "7" in order[0].split()
    assert lines[lines.index(order[0]) + 1].split() == ["reasons:", "missing-steps", "1,", "unclear", "1"]
    assert "Il manque une capture." in out and f"{t:%Y-%m-%d}" in out
    assert "\x1b" not in out and "\u202e" not in out                 # terminal escapes are neutralised
    assert "\u2028" not in out and "\u2029" not in out               # so are the Unicode line breaks
    assert "\\u001b[2J" in out and "evil\\u2028line\\u2029para" in out
    assert "3 of 6 catalogue articles have no votes yet." in out
    assert "Total: 8 votes, 7 views, 0 searches." in out
    en = cli("report", "--db", "f.sqlite3", "--catalogue", str(cat), "--lang", "en", "--min-votes", "3",
             "--comments", "0", cwd=tmp_path).stdout
    assert "no article has 3+ votes yet" in en and "capture" not in en


def test_the_default_database_is_outside_the_checkout(tmp_path):
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    r = cli("report", cwd=checkout, env={"HOME": str(tmp_path / "home"), "XDG_STATE_HOME": ""})
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "home" / ".local" / "state" / "proabono-kb" / "feedback.sqlite3").is_file()
    assert list(checkout.iterdir()) == []
    assert "~/.local/state/proabono-kb/feedback.sqlite3" in cli("serve", "--help", cwd=checkout).stdout
    # a checkout still holding the former default database is told where the default went
    fill(SQLiteStorage(tmp_path / "old" / "data" / "feedback.sqlite3"), [Vote(1, "fr", "yes")])
    r = cli("report", cwd=tmp_path / "old", env={"HOME": str(tmp_path / "home2"), "XDG_STATE_HOME": ""})
    assert r.returncode == 0
    assert "warning: data/feedback.sqlite3 (the default database before) exists" in r.stderr
    assert "--db data/feedback.sqlite3" in r.stderr


def _without_root_privileges() -> list[str]:
    """A command prefix under which file permissions apply, even to root (as for the service's user)."""
    return (["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
            if os.geteuid() == 0 else [])


def test_serve_refuses_to_start_on_a_database_it_cannot_write(tmp_path):
    cat = write_catalogue(tmp_path / "kb-catalogue.json")
    db = tmp_path / "data" / "feedback.sqlite3"
    fill(SQLiteStorage(db), [Vote(1, "fr", "yes")])
    db.chmod(0o444)                                  # readable, not writable: it opens, every vote would fail
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDBACK_")}
    proc = subprocess.Popen([*_without_root_privileges(), sys.executable, "-m", "feedback", "serve", "--port", "0",
                             "--db", str(db), "--catalogue", str(cat)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"the service started on a read-only database:\n{err}")
    finally:
        db.chmod(0o644)
    assert proc.returncode == 1
    assert f"error: {db}: the database cannot be written (attempt to write a readonly database)" in err
    assert "write access to the file and its folder" in err
    # report and export only read: they still work on a read-only copy
    db.chmod(0o444)
    try:
        r = subprocess.run([*_without_root_privileges(), sys.executable, "-m", "feedback", "report", "--db", str(db)],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    finally:
        db.chmod(0o644)
    assert r.returncode == 0 and "Total: 1 vote" in r.stdout, r.stderr


def test_report_without_votes(tmp_path):
    r = cli("report", "--db", "empty.sqlite3", cwd=tmp_path)
    assert r.returncode == 0 and "no article has votes yet" in r.stdout and "Total: 0 votes" in r.stdout


def test_serve_refuses_to_start_without_a_catalogue(tmp_path):
    r = cli("serve", "--port", "1", "--catalogue", "nowhere/kb-catalogue.json", cwd=tmp_path)
    assert r.returncode == 1
    assert "nowhere/kb-catalogue.json: catalogue not found; build the site first" in r.stderr


def test_a_bad_database_url_is_reported_without_its_password(tmp_path):
    cat = write_catalogue(tmp_path / "kb-catalogue.json")
    r = cli("serve", "--catalogue", str(cat), "--database-url", "postgresql://kb:hunter2@127.0.0.1:1/kb",
            cwd=tmp_path)
    assert r.returncode == 1 and "error: PostgreSQL (postgresql://kb:***@127.0.0.1:1/kb)" in r.stderr
    assert "hunter2" not in r.stderr + r.stdout
    r = cli("export", "--database-url", "sqlite:///x", cwd=tmp_path)
    assert r.returncode == 1 and "postgresql://" in r.stderr


def test_help_documents_the_commands(tmp_path):
    r = cli("--help", cwd=tmp_path)
    assert r.returncode == 0 and "serve" in r.stdout and "report" in r.stdout and "export" in r.stdout
