"""One storage test suite, run against SQLite and against a real PostgreSQL server."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone

import pytest

from feedback.postgres import PostgresStorage, redact_url
from feedback.queries import QueryCounts
from feedback.databases import open_storage
from feedback.storage import Counts, Search, SQLiteStorage, StorageError, View, Vote
from feedback_support import postgres

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    """A function opening a new Storage on the same database (several instances can share one)."""
    if request.param == "sqlite":
        path = tmp_path / "feedback.sqlite3"
        target = {"db": path}
    else:
        target = {"database_url": postgres().new_database()}
    opened = []

    def open_():
        s = open_storage(**target)
        opened.append(s)
        return s

    open_.kind = request.param
    open_.target = target
    yield open_
    for s in opened:
        s.close()


def test_a_new_database_is_empty(backend):
    s = backend()
    assert s.totals() == {}
    assert s.comments() == []
    assert s.vote_count() == 0


def test_votes_and_views_are_counted_per_article_and_language(backend):
    s = backend()
    s.record([Vote(1, "fr", "yes"), Vote(1, "fr", "no"), Vote(1, "fr", "yes"), Vote(1, "en", "no"),
              View(1, "fr"), View(1, "fr"), View(2, "en")])
    s.record([Vote(2, "en", "yes"), View(1, "fr")])
    assert s.totals() == {(1, "fr"): Counts(views=3, yes=2, no=1), (1, "en"): Counts(0, 0, 1),
                          (2, "en"): Counts(views=1, yes=1, no=0)}
    assert s.totals()[(1, "fr")].helpful_ratio == pytest.approx(2 / 3)
    assert Counts(views=5).helpful_ratio is None
    assert s.vote_count() == 5


def test_comments_are_stored_verbatim_newest_first(backend):
    s = backend()
    tricky = "'); DROP TABLE votes; -- <script>alert(1)</script> « é » 😀 \\ %s ?"
    s.record([Vote(1, "fr", "no", "premier", T0), Vote(1, "fr", "yes", None, T0),
              Vote(2, "en", "no", tricky, T0 + timedelta(seconds=1)),
              Vote(1, "fr", "no", "x" * 500, T0 + timedelta(seconds=2))])
    got = s.comments()
    assert [c.comment for c in got] == ["x" * 500, tricky, "premier"]
    assert got[1].article_id == 2 and got[1].lang == "en" and got[1].value == "no"
    assert got[1].created == T0 + timedelta(seconds=1)
    assert [c.comment for c in s.comments(limit=1)] == ["x" * 500]
    assert [c.comment for c in s.comments(article=(1, "fr"))] == ["x" * 500, "premier"]
    assert s.comments(article=(1, "en")) == []
    assert s.vote_count() == 4                     # the SQL-looking comment was data, not SQL


def test_a_vote_reported_again_with_its_vote_id_is_counted_once(backend):
    """The widget reports "no", then the same vote with a comment, then maybe a change of mind."""
    s = backend()
    vid = "0b5e1c9a-5f4e-4d55-9a43-3a1e2b7c9d10"
    s.record([Vote(1, "fr", "no", None, T0, vid)])
    s.record([Vote(1, "fr", "no", "Il manque une étape.", T0 + timedelta(minutes=1), vid)])
    assert s.totals() == {(1, "fr"): Counts(0, 0, 1)} and s.vote_count() == 1
    [c] = s.comments()
    assert (c.comment, c.value, c.created) == ("Il manque une étape.", "no", T0)   # first cast time kept
    s.record([Vote(1, "fr", "yes", None, T0 + timedelta(days=2), vid)])            # changed their mind
    assert s.totals() == {(1, "fr"): Counts(0, 1, 0)} and s.comments() == []       # the latest report wins
    assert s.totals(since=(T0 + timedelta(days=1)).date()) == {}                    # counted on its first day
    # the same id on another article or language is another vote; repeats inside one batch count once
    s.record([Vote(2, "fr", "no", None, T0, vid), Vote(1, "en", "yes", None, T0, vid),
              Vote(3, "en", "yes", None, T0, "other-vote-1"), Vote(3, "en", "no", "non", T0, "other-vote-1")])
    assert s.totals() == {(1, "fr"): Counts(0, 1, 0), (2, "fr"): Counts(0, 0, 1), (1, "en"): Counts(0, 1, 0),
                          (3, "en"): Counts(0, 0, 1)}
    assert s.vote_count() == 4 and [c.comment for c in s.comments()] == ["non"]


def test_reasons_are_stored_replaced_with_their_vote_and_counted_per_article(backend):
    s = backend()
    vid = "reason-vote-0002"
    s.record([Vote(1, "fr", "no", None, T0, vid, "outdated"), Vote(1, "fr", "no", None, T0, None, "unclear"),
              Vote(1, "en", "no", None, T0 + timedelta(days=1), None, "unclear"), Vote(2, "fr", "no", "x", T0)])
    assert s.reasons() == {(1, "fr"): {"outdated": 1, "unclear": 1}, (1, "en"): {"unclear": 1}}
    s.record([Vote(1, "fr", "no", "Étape 2 ?", T0 + timedelta(minutes=1), vid, "missing-steps")])
    assert s.reasons() == {(1, "fr"): {"missing-steps": 1, "unclear": 1}, (1, "en"): {"unclear": 1}}
    assert s.reasons(since=(T0 + timedelta(days=1)).date()) == {(1, "en"): {"unclear": 1}}
    s.record([Vote(1, "fr", "yes", None, T0 + timedelta(days=2), vid)])       # a "yes" carries no reason
    assert s.reasons()[(1, "fr")] == {"unclear": 1}
    with pytest.raises(ValueError, match="reason"):
        s.record([Vote(1, "fr", "yes", None, T0, None, "unclear")])
    with pytest.raises(ValueError, match="reason"):
        s.record([Vote(1, "fr", "no", None, T0, None, "boring")])
    assert s.vote_count() == 4


def test_a_database_from_before_reasons_keeps_its_votes_and_takes_reasons(backend):
    old_votes = ("CREATE TABLE votes (seq {seq} PRIMARY KEY, article_id INTEGER NOT NULL, lang TEXT NOT NULL, "
                 "value TEXT NOT NULL, comment TEXT, created {time} NOT NULL, vote_id TEXT)")
    insert = "INSERT INTO votes (article_id, lang, value, comment, created, vote_id) VALUES ({p})"
    row = (1, "fr", "no", "ancien", T0, "old-vote-0001")
    if backend.kind == "sqlite":
        import sqlite3
        conn = sqlite3.connect(str(backend.target["db"]))
        conn.execute(old_votes.format(seq="INTEGER", time="TEXT"))
        conn.execute(insert.format(p=", ".join("?" * 6)), (*row[:4], T0.isoformat(), row[5]))
        conn.commit()
        conn.close()
    else:
        import psycopg
        with psycopg.connect(backend.target["database_url"]) as conn:
            conn.execute(old_votes.format(seq="BIGSERIAL", time="TIMESTAMPTZ"))
            conn.execute(insert.format(p=", ".join(["%s"] * 6)), row)
    s = backend()
    [c] = s.comments()
    assert (c.article_id, c.comment, c.created) == (1, "ancien", T0) and s.reasons() == {}
    s.record([Vote(1, "fr", "no", "ancien", T0, "old-vote-0001", "other")])       # the old vote, replaced
    assert s.vote_count() == 1 and s.reasons() == {(1, "fr"): {"other": 1}}


def test_searches_are_counted_per_language_query_and_day(backend):
    s = backend()
    day2 = T0 + timedelta(days=1)
    s.record([Search("fr", "Facture PDF", 3, None, T0), Search("fr", "  facture   pdf ", 0, None, T0),
              Search("fr", "facture pdf", 4, 2, T0 + timedelta(hours=11, minutes=59)),
              Search("en", "invoice", 0, None, T0), Search("fr", "facture pdf", 5, 2, day2),
              Vote(1, "fr", "yes", None, T0), View(2, "fr", T0.date())])         # mixed in one batch
    assert s.search_days() == [
        ("en", "invoice", T0.date(), QueryCounts(searches=1, zero=1, clicks=0)),
        ("fr", "facture pdf", T0.date(), QueryCounts(searches=3, zero=1, clicks=1)),
        ("fr", "facture pdf", day2.date(), QueryCounts(searches=1, zero=0, clicks=1))]
    assert s.search_clicks() == [(2, "fr", T0.date(), 1), (2, "fr", day2.date(), 1)]
    assert s.search_days(since=day2.date()) == [("fr", "facture pdf", day2.date(), QueryCounts(1, 0, 1))]
    assert s.search_clicks(since=day2.date() + timedelta(days=1)) == []
    assert s.totals() == {(1, "fr"): Counts(0, 1, 0), (2, "fr"): Counts(1, 0, 0)}   # searches are not views


def test_a_search_reported_again_with_its_search_id_is_replaced_and_counted_once(backend):
    """The widget reports a settled search after a pause, then again when the reader clicks a result."""
    s = backend()
    sid = "9d1c7a52-search-0001"
    s.record([Search("fr", "résilier", 0, None, T0, sid)])
    assert s.search_days() == [("fr", "résilier", T0.date(), QueryCounts(1, 1, 0))]
    s.record([Search("fr", "résilier abonnement", 2, 3, T0 + timedelta(days=1), sid)])
    assert s.search_days() == [("fr", "résilier abonnement", T0.date(), QueryCounts(1, 0, 1))]  # first day kept
    assert s.search_clicks() == [(3, "fr", T0.date(), 1)]
    # the same id in another language is another search; repeats inside one batch count once
    s.record([Search("en", "cancel", 1, None, T0, sid), Search("en", "cancel", 1, 1, T0, "search-0002"),
              Search("en", "cancel plan", 1, 2, T0 + timedelta(minutes=1), "search-0002")])
    assert s.search_days() == [("en", "cancel", T0.date(), QueryCounts(1, 0, 0)),
                               ("en", "cancel plan", T0.date(), QueryCounts(1, 0, 1)),
                               ("fr", "résilier abonnement", T0.date(), QueryCounts(1, 0, 1))]


def test_a_search_that_may_not_replace_is_stored_only_when_its_id_is_new(backend):
    """replace=False (the service did not see this client report that search_id today): never replaces a
    stored report, even inside a batch that also holds a report allowed to replace."""
    s = backend()
    sid = "9d1c7a52-search-0009"
    s.record([Search("fr", "facture", 2, None, T0, sid, replace=False)])             # new: stored
    s.record([Search("fr", "spam", 0, 1, T0, sid, replace=False)])                    # not new: ignored
    s.record([Search("fr", "spam", 0, 1, T0, sid, replace=False), Search("fr", "spam", 0, 2, T0, sid)])
    assert s.search_days() == [("fr", "facture", T0.date(), QueryCounts(1, 0, 0))] and s.search_clicks() == []
    s.record([Search("fr", "facture", 2, 3, T0, sid)])                                # allowed: replaced
    assert s.search_clicks() == [(3, "fr", T0.date(), 1)]


def test_only_the_scrubbed_normalised_query_is_stored(backend):
    s = backend()
    s.record([Search("fr", "Mon e-mail Jean.Dupont@Exemple.fr, tél 06 12 34 56 78", 0),
              Search("fr", "Carte 4970 1012 3456 7890", 1, None, None, "search-0003")])
    assert sorted(q for _, q, _, _ in s.search_days()) == ["carte [number]", "mon e-mail [email], tél [number]"]
    if backend.kind == "sqlite":                       # not in the file either (nor in its write-ahead log)
        s.close()
        raw = b"".join(p.read_bytes() for p in backend.target["db"].parent.glob("feedback.sqlite3*"))
        assert b"dupont" not in raw.lower() and b"4970" not in raw and b"06 12" not in raw


def test_searches_the_database_refuses_store_nothing_of_their_batch(backend):
    s = backend()
    with pytest.raises(ValueError, match="results"):
        s.record([Search("fr", "ok", 1), Search("fr", "négatif", -1)])
    with pytest.raises(StorageError):
        s.record([Search("fr", "ok", 1), Vote(1, "fr", "yes"), Search("fr", "   ", 1)])   # empty once cleaned
    with pytest.raises(StorageError):
        s.record([Search("fr", "ok", 1), Search("fr", "clic", 1, 0)])                     # no article 0
    assert s.search_days() == [] and s.vote_count() == 0


def test_a_database_from_before_searches_gets_the_table_and_keeps_its_data(backend):
    """A database the previous version made (votes and daily only): opened, it gains ``searches``."""
    votes = ("CREATE TABLE votes (seq {seq} PRIMARY KEY, article_id INTEGER NOT NULL, lang TEXT NOT NULL, "
             "value TEXT NOT NULL, comment TEXT, created {time} NOT NULL, vote_id TEXT, reason TEXT)")
    daily = ("CREATE TABLE daily (article_id INTEGER NOT NULL, lang TEXT NOT NULL, day {day} NOT NULL, "
             "views INTEGER NOT NULL DEFAULT 0, yes INTEGER NOT NULL DEFAULT 0, no INTEGER NOT NULL DEFAULT 0, "
             "PRIMARY KEY (article_id, lang, day))")
    if backend.kind == "sqlite":
        import sqlite3
        conn = sqlite3.connect(str(backend.target["db"]))
        conn.execute(votes.format(seq="INTEGER", time="TEXT"))
        conn.execute(daily.format(day="TEXT"))
        conn.execute("INSERT INTO votes (article_id, lang, value, created) VALUES (1, 'fr', 'yes', ?)",
                     (T0.isoformat(),))
        conn.execute("INSERT INTO daily VALUES (1, 'fr', ?, 4, 1, 0)", (T0.date().isoformat(),))
        conn.commit()
        conn.close()
    else:
        import psycopg
        with psycopg.connect(backend.target["database_url"]) as conn:
            conn.execute(votes.format(seq="BIGSERIAL", time="TIMESTAMPTZ"))
            conn.execute(daily.format(day="DATE"))
            conn.execute("INSERT INTO votes (article_id, lang, value, created) VALUES (1, 'fr', 'yes', %s)", (T0,))
            conn.execute("INSERT INTO daily VALUES (1, 'fr', %s, 4, 1, 0)", (T0.date(),))
    s = backend()
    assert s.totals() == {(1, "fr"): Counts(4, 1, 0)} and s.vote_count() == 1 and s.search_days() == []
    s.record([Search("fr", "facture", 2, 1, T0, "search-0004")])
    assert s.search_days() == [("fr", "facture", T0.date(), QueryCounts(1, 0, 1))]
    s.close()
    assert backend().search_clicks() == [(1, "fr", T0.date(), 1)]        # reopened: schema creation idempotent


def concurrently(writer, n: int = 4) -> None:
    """writer(0), ..., writer(n - 1) in n threads at once; fails with the errors any of them met."""
    errors = []

    def run(k):
        try:
            writer(k)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_instances_reporting_the_same_search_ids_concurrently_count_each_once(backend):
    stores = [backend(), backend()]

    def writer(n):
        for i in range(40):
            stores[n % 2].record([Search("fr", f"q{i % 4}", n, 1 + n % 3, T0, f"search-{i:04d}-abc"),
                                  Search("en", "anonymous", 0, None, T0)])

    concurrently(writer)
    days = {(lang, q): c for lang, q, _, c in stores[0].search_days()}
    assert sum(c.searches for (lang, _), c in days.items() if lang == "fr") == 40
    assert days[("en", "anonymous")] == QueryCounts(searches=160, zero=160, clicks=0)
    assert sum(n for *_, n in stores[1].search_clicks()) == 40


def test_instances_reporting_the_same_vote_ids_concurrently_count_each_once(backend):
    stores = [backend(), backend()]

    def writer(n):
        for i in range(60):
            stores[n % 2].record([Vote(1 + i % 2, "fr", "yes" if (i + n) % 2 else "no", f"c{n}", None,
                                       f"vote-{i:04d}-abcdef")])

    concurrently(writer)
    totals = stores[0].totals()
    assert sum(c.votes for c in totals.values()) == 60 == stores[1].vote_count()
    assert totals[(1, "fr")].votes == totals[(2, "fr")].votes == 30


def test_counts_by_day_and_since(backend):
    s = backend()
    old, recent = T0 - timedelta(days=40), T0
    s.record([Vote(1, "fr", "yes", None, old), View(1, "fr", old.date()), View(1, "fr", old.date()),
              Vote(1, "fr", "no", None, recent), View(1, "fr", recent.date())])
    assert s.totals()[(1, "fr")] == Counts(views=3, yes=1, no=1)
    assert s.totals(since=recent.date())[(1, "fr")] == Counts(views=1, yes=0, no=1)
    assert s.totals(since=recent.date() + timedelta(days=1)) == {}


def test_a_batch_is_all_or_nothing(backend):
    s = backend()
    s.record([Vote(1, "fr", "yes")])
    with pytest.raises(StorageError):
        # the database's own checks refuse the last event: nothing of the batch may remain
        s.record([Vote(2, "fr", "yes", "ok"), View(2, "fr"), Vote(3, "fr", "no", "y" * 501)])
    with pytest.raises(ValueError):
        s.record([Vote(2, "fr", "yes"), Vote(3, "fr", "maybe")])
    assert s.totals() == {(1, "fr"): Counts(0, 1, 0)}
    assert s.vote_count() == 1
    s.record([Vote(2, "fr", "no")])                # still usable afterwards
    assert s.vote_count() == 2


def test_one_refused_event_never_fails_the_others_in_its_group_commit(backend):
    """Requests written together (group commit): the ones the database refuses fail alone."""
    import asyncio

    from feedback.app import Batcher
    from feedback.storage import Rejected

    s = backend()
    batches = []
    record = s.record
    s.record = lambda events: (batches.append(len(events)), record(events))[1]
    honest = [Vote(1, "fr", "yes"), View(1, "fr"), Vote(2, "en", "no", "Clair.", None, "vote-0001-abcd"),
              Vote(1, "fr", "no"), View(2, "en"), Vote(3, "fr", "yes", "😀 merci")]
    bad = [Vote(2, "fr", "no", "\ud800"),            # not encodable as UTF-8 (validation refuses it first)
           Vote(3, "en", "no", "y" * 501)]            # refused by the database's own check
    events = honest[:2] + bad[:1] + honest[2:4] + bad[1:] + honest[4:]

    async def submit_all():
        batcher = Batcher(s)
        batcher.start()
        try:
            return await asyncio.gather(*(batcher.submit(e) for e in events), return_exceptions=True)
        finally:
            await batcher.close()

    results = asyncio.run(submit_all())
    assert batches[0] == len(events)                  # all in one transaction at first
    assert [type(r) for r in results] == [type(None)] * 2 + [Rejected] + [type(None)] * 2 + [Rejected] \
        + [type(None)] * 2
    assert s.totals() == {(1, "fr"): Counts(1, 1, 1), (2, "en"): Counts(1, 0, 1), (3, "fr"): Counts(0, 1, 0)}
    assert sorted(c.comment for c in s.comments()) == ["Clair.", "😀 merci"]


def test_empty_batch_and_wrong_events(backend):
    s = backend()
    s.record([])
    with pytest.raises(TypeError):
        s.record([("not", "an event")])
    assert s.vote_count() == 0


def test_data_survives_reopening_and_schema_creation_is_idempotent(backend):
    s = backend()
    s.record([Vote(1, "en", "yes", "kept"), View(1, "en")])
    s.close()
    again = backend()
    assert again.totals() == {(1, "en"): Counts(1, 1, 0)}
    assert [c.comment for c in again.comments()] == ["kept"]


def test_two_instances_writing_concurrently_lose_nothing(backend):
    """Several collector instances share one database: every committed batch is counted once."""
    stores = [backend(), backend()]

    def writer(n):
        for i in range(50):
            stores[n % 2].record([Vote(1 + i % 3, "fr" if i % 2 else "en", "yes" if (i + n) % 3 else "no"),
                                  View(1 + i % 3, "fr"), Vote(9, "fr", "no")])

    concurrently(writer)
    totals = stores[0].totals()
    assert sum(c.votes for c in totals.values()) == 4 * 50 * 2
    assert sum(c.views for c in totals.values()) == 4 * 50
    assert totals[(9, "fr")] == Counts(0, 0, 200)
    assert stores[1].vote_count() == 400


def test_sqlite_uses_wal_and_full_sync(tmp_path):
    s = SQLiteStorage(tmp_path / "sub" / "dir" / "f.sqlite3")   # parent folders are created
    assert s._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s._conn.execute("PRAGMA synchronous").fetchone()[0] == 2   # FULL
    s.close()


def test_sqlite_unusable_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "not-a-db.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError, match="not-a-db.sqlite3"):
        SQLiteStorage(bad)


def test_postgres_unreachable_is_a_storage_error_without_the_password():
    with pytest.raises(StorageError) as err:
        PostgresStorage(f"postgresql://kb:s3cret@127.0.0.1:{_closed_port()}/kb", connect_timeout=2)
    assert "s3cret" not in str(err.value) and "kb:***@127.0.0.1" in str(err.value)


def test_postgres_reconnects_after_losing_its_connection():
    url = postgres().new_database()
    s = PostgresStorage(url)
    s.record([Vote(1, "fr", "yes")])
    import psycopg
    with psycopg.connect(postgres().admin_url, autocommit=True) as admin:   # kill the service's connection
        admin.execute("SELECT pg_terminate_backend(%s)", (s._conn.info.backend_pid,))
    with pytest.raises(StorageError):
        s.record([Vote(1, "fr", "no")])             # the batch in flight fails, and is not stored
    s.record([Vote(1, "fr", "no")])                 # the next one reconnects
    assert s.totals() == {(1, "fr"): Counts(0, 1, 1)}
    s.close()


def test_open_storage_choices(tmp_path):
    s = open_storage(db=tmp_path / "x.sqlite3")
    assert isinstance(s, SQLiteStorage)
    s.close()
    with pytest.raises(StorageError, match="postgresql://"):
        open_storage(database_url="mysql://x@y/z")
    assert redact_url("postgresql://u:pw@h:5432/d") == "postgresql://u:***@h:5432/d"
    assert redact_url("postgresql://u@h/d") == "postgresql://u@h/d"


def _closed_port() -> int:
    from feedback_support import free_port
    return free_port()
