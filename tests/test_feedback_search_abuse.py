"""POST /api/search against abuse, over real HTTP (uvicorn subprocess): a daily cap per client network like
votes, and a search updated (its click, the same search_id) only by the client address that reported it,
the same day. Other client addresses are real ones: the loopback network has 127.0.0.0/8."""
from __future__ import annotations

import sqlite3

import httpx
import pytest

from feedback_support import service_factory  # noqa: F401  (fixture)

SEARCH = {"lang": "fr", "query": "facture pdf", "results": 3}


def client(address: str = "127.0.0.1") -> httpx.Client:
    """A client whose connections come from ``address`` (any 127.x.y.z is this machine)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30)


def rows(service) -> list[tuple]:
    with sqlite3.connect(f"file:{service.db}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT search_id, query, results, clicked_id FROM searches ORDER BY seq").fetchall()


def test_searches_are_capped_per_network_and_day_and_a_click_is_not_counted_again(service_factory, tmp_path):
    s = service_factory(tmp_path, searches_per_day=3)
    with client("127.0.0.1") as a, client("127.0.0.7") as b:          # one network (/24): one count
        assert a.post(s.url("/api/search"), json={**SEARCH, "search_id": "cap-search-1"}).status_code == 201
        assert b.post(s.url("/api/search"), json={**SEARCH, "search_id": "cap-search-2"}).status_code == 201
        assert a.post(s.url("/api/search"), json=SEARCH).status_code == 201                 # no search_id
        over = b.post(s.url("/api/search"), json={**SEARCH, "search_id": "cap-search-3"})
        assert over.status_code == 429 and "searches" in over.json()["error"]
        assert 1 <= int(over.headers["retry-after"]) <= 86_400                            # until midnight UTC
        # the click of a search already counted is still taken
        click = a.post(s.url("/api/search"), json={**SEARCH, "search_id": "cap-search-1", "clicked_id": 1})
        assert click.status_code == 201
    with client("127.0.1.1") as other:                                 # another network is not limited
        assert other.post(s.url("/api/search"), json={**SEARCH, "search_id": "cap-search-4"}).status_code == 201
    assert [(r[0], r[3]) for r in rows(s)] == [("cap-search-1", 1), ("cap-search-2", None), (None, None),
                                               ("cap-search-4", None)]
    assert "searches 3/network/day" in s.log_text()


def test_only_the_address_that_reported_a_search_can_update_it(service_factory, tmp_path):
    s = service_factory(tmp_path)
    first = {"lang": "fr", "query": "résilier", "results": 2, "search_id": "owned-search-0001"}
    with client("127.0.0.1") as reader, client("127.0.0.2") as attacker:
        assert reader.post(s.url("/api/search"), json=first).status_code == 201
        for forged in ({**first, "clicked_id": 2}, {**first, "query": "spam spam", "results": 0},
                       {**first, "lang": "fr", "results": 100_000}):
            r = attacker.post(s.url("/api/search"), json=forged)
            assert r.status_code == 403, r.text
            assert [d["field"] for d in r.json()["details"]] == ["search_id"]
        assert rows(s) == [("owned-search-0001", "résilier", 2, None)]
        # the page that made it reports its click: replaced, counted once
        assert reader.post(s.url("/api/search"), json={**first, "clicked_id": 1}).status_code == 201
        assert rows(s) == [("owned-search-0001", "résilier", 2, 1)]
        # the same id in another language is another search, the attacker's own
        assert attacker.post(s.url("/api/search"), json={**first, "lang": "en"}).status_code == 201
        assert reader.post(s.url("/api/search"), json={**first, "lang": "en", "clicked_id": 1}).status_code == 403


def test_a_search_the_service_did_not_see_reported_cannot_replace_a_stored_one(service_factory, tmp_path):
    """After a restart the service no longer knows who reported a search: a report with its id is taken
    as new, and a new report never replaces a stored one (the click is lost, never forged)."""
    s = service_factory(tmp_path)
    first = {"lang": "en", "query": "invoice", "results": 4, "search_id": "before-restart-01"}
    assert httpx.post(s.url("/api/search"), json=first).status_code == 201
    s2 = s.restart()
    try:
        later = httpx.post(s2.url("/api/search"), json={**first, "query": "other words", "clicked_id": 2})
        assert later.status_code == 201                                  # accepted, nothing replaced
        assert rows(s2) == [("before-restart-01", "invoice", 4, None)]
        fresh = {**first, "search_id": "after-restart-01"}
        assert httpx.post(s2.url("/api/search"), json=fresh).status_code == 201
        assert httpx.post(s2.url("/api/search"), json={**fresh, "clicked_id": 2}).status_code == 201
        assert rows(s2)[-1] == ("after-restart-01", "invoice", 4, 2)
    finally:
        s2.stop()


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.9"])
def test_the_click_from_the_same_address_is_taken_whatever_the_pause(service_factory, tmp_path, address):
    s = service_factory(tmp_path, searches_per_day=1)
    report = {"lang": "fr", "query": "logo", "results": 5, "search_id": f"same-address-{address[-1]}"}
    with client(address) as reader:
        assert reader.post(s.url("/api/search"), json=report).status_code == 201
        for clicked in (1, 2, 3):                       # reported again and again: updates, never counted
            assert reader.post(s.url("/api/search"), json={**report, "clicked_id": clicked}).status_code == 201
    assert rows(s) == [(report["search_id"], "logo", 5, 3)]
