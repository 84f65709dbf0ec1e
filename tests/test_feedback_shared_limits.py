"""The per-client limits kept in PostgreSQL (``feedback.sharedlimits``): two apps on one database (two
instances, in process) share the rate limit, the daily vote and search limits and who owns a search;
a database that does not answer gives 503, never a request let through unlimited."""
from __future__ import annotations

import json
import warnings

import psycopg
import pytest

with warnings.catch_warnings():     # Starlette 1.x suggests httpx2 for its TestClient; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from feedback.app import create_app
from feedback.catalogue import Catalogue
from feedback.postgres import PostgresStorage
from feedback.sharedlimits import PostgresLimits, statement
from feedback_support import catalogue_data, free_port, pg_url  # noqa: F401  (fixture)

VOTE = {"id": 1, "lang": "fr", "url": "/settings/a1/", "title": "Premier article", "value": "yes"}
SEARCH = {"lang": "fr", "query": "facture pdf", "results": 3}


def instance(storage, **kw):
    """An app whose client address is the X-Test-Client header, as a TestClient."""
    app = create_app(storage, Catalogue.from_data(catalogue_data()), origins=["http://127.0.0.1:8000"],
                     **{"rate_limit": 0, "votes_per_day": 0, "searches_per_day": 0, **kw})

    async def client_from_header(scope, receive, send):
        if scope["type"] == "http":
            scope = dict(scope, client=(dict(scope["headers"]).get(b"x-test-client", b"198.51.100.1").decode(), 5000))
        await app(scope, receive, send)

    return TestClient(client_from_header, base_url="http://127.0.0.1:8001")


def post(c, path, body, address="198.51.100.1"):
    return c.post(path, content=json.dumps(body), headers={"Content-Type": "application/json",
                                                           "X-Test-Client": address})


@pytest.fixture
def storages(pg_url):
    a, b = PostgresStorage(pg_url), PostgresStorage(pg_url)
    yield a, b
    a.close(), b.close()


def test_the_daily_vote_limit_is_shared_by_two_instances(storages):
    with instance(storages[0], votes_per_day=5) as a, instance(storages[1], votes_per_day=5) as b:
        codes = [post((a, b)[n % 2], "/api/feedback", {**VOTE, "vote_id": f"stuffed-{n:04d}"}).status_code
                 for n in range(12)]
        assert codes == [201] * 5 + [429] * 7
        r = post(b, "/api/feedback", {**VOTE, "vote_id": "stuffed-9999"})
        assert r.status_code == 429 and "votes for this article" in r.json()["error"]
        assert 1 <= int(r.headers["retry-after"]) <= 86_400
        # a vote already counted (on the other instance), reported again, still goes through
        assert post(b, "/api/feedback", {**VOTE, "vote_id": "stuffed-0000", "value": "no"}).status_code == 201
        assert post(a, "/api/feedback", {**VOTE, "id": 2}).status_code == 201           # another article
        assert post(a, "/api/feedback", VOTE, "203.0.113.9").status_code == 201          # another network
    assert storages[0].vote_count() == 5 + 2


def test_the_rate_limit_is_shared_and_counts_refused_bodies_too(storages):
    with instance(storages[0], rate_limit=6) as a, instance(storages[1], rate_limit=6) as b:
        codes = [post((a, b)[n % 2], "/api/view", {"id": 1, "lang": "fr"}).status_code for n in range(4)]
        codes.append(post(a, "/api/view", {"id": 99, "lang": "fr"}).status_code)        # unknown article: 422
        codes.append(b.get("/api/feedback/summary", headers={"X-Test-Client": "198.51.100.1"}).status_code)
        r = post(a, "/api/view", {"id": 1, "lang": "fr"})
        assert codes == [201] * 4 + [422, 200] and r.status_code == 429
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert post(b, "/api/view", {"id": 1, "lang": "fr"}, "198.51.100.2").status_code == 201   # per address
        assert b.get("/api/health").status_code == 200                                  # not limited


def test_searches_are_capped_and_owned_across_instances(storages):
    with instance(storages[0], searches_per_day=2) as a, instance(storages[1], searches_per_day=2) as b:
        assert post(a, "/api/search", {**SEARCH, "search_id": "shared-search-1"}).status_code == 201
        # its click, through the other instance, from the same address: an update, not counted again
        click = post(b, "/api/search", {**SEARCH, "search_id": "shared-search-1", "clicked_id": 1})
        assert click.status_code == 201
        # from another address (another network too), through either instance: refused
        foreign = post(b, "/api/search", {**SEARCH, "search_id": "shared-search-1", "clicked_id": 2}, "203.0.113.5")
        assert foreign.status_code == 403 and foreign.json()["details"][0]["field"] == "search_id"
        assert post(b, "/api/search", {**SEARCH, "search_id": "shared-search-2"}).status_code == 201
        over = post(a, "/api/search", {**SEARCH, "search_id": "shared-search-3"})
        assert over.status_code == 429 and "searches" in over.json()["error"]
    rows = storages[0]._query("SELECT search_id, clicked_id FROM searches ORDER BY search_id")
    assert rows == [("shared-search-1", 1), ("shared-search-2", None)]


def cut(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
                      "'kb-feedback-limits'")


def test_a_database_that_does_not_answer_fails_the_request_with_503(storages, pg_url):
    limits = PostgresLimits(pg_url, rate_limit=100, votes_per_day=3, searches_per_day=0, timeout=2)
    with instance(storages[0], limits=limits) as c:
        assert post(c, "/api/feedback", VOTE).status_code == 201
        # the limits' connection is cut (a restart, a failover): this request fails, the next reconnects
        cut(pg_url)
        codes = [post(c, "/api/feedback", VOTE).status_code for _ in range(3)]
        assert codes == [503, 201, 201], codes
        # and now the database is gone altogether
        limits.url = f"postgresql://postgres@127.0.0.1:{free_port()}/postgres"          # nothing listens there
        cut(pg_url)
        for path, body in (("/api/feedback", VOTE), ("/api/view", {"id": 1, "lang": "fr"})):
            r = post(c, path, body)
            assert r.status_code == 503 and r.json()["error"].startswith("storage unavailable"), r.text
        assert c.get("/api/feedback/summary").status_code == 503
    assert storages[0].vote_count() <= 3


def test_the_statement_checks_only_what_is_on():
    assert statement(False, None, False, False) is None                  # a view without rate limit: no query
    assert "DELETE" in statement(True, None, False, True)
    vote = statement(True, "vote", True, False)
    assert vote.count("INSERT") == 3 and "WHERE kb_limits.n <" in vote
    assert "kb_limit_ids" not in statement(True, "vote", False, False)   # no daily vote limit: nothing kept
    assert "kb_limit_ids" in statement(False, "search", False, False)    # a search's owner is always kept
