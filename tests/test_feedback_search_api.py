"""POST /api/search over real HTTP (the service as deployed: uvicorn subprocess): accepted reports, one 4xx
for every way each field can be wrong (nothing stored), the same Guard as votes, and no raw query kept."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone

import httpx
import pytest

from feedback.queries import QueryCounts
from feedback.storage import SQLiteStorage
from feedback.validation import MAX_BODY
from feedback_support import catalogue_data, service_factory, start_service  # noqa: F401  (fixture)

ORIGIN = "http://127.0.0.1:8000"
SEARCH = {"lang": "fr", "query": "Facture PDF", "results": 3}


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """One service for the module; article 4 exists in French only."""
    workdir = tmp_path_factory.mktemp("search-api")
    data = catalogue_data()
    data["articles"].append({"id": 4, "lang": "fr", "title": "Quatrième", "url": "/settings/a4/"})
    catalogue = workdir / "kb-catalogue.json"
    catalogue.write_text(json.dumps(data), encoding="utf-8")
    with start_service(workdir, catalogue) as s:
        yield s


def post(service, body, content_type="application/json", **headers) -> httpx.Response:
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return httpx.post(service.url("/api/search"), content=data,
                      headers={"Content-Type": content_type, **headers}, timeout=30)


def stored_rows(service) -> int:
    with sqlite3.connect(f"file:{service.db}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT COUNT(*) FROM searches").fetchone()[0]


def search_days(service):
    s = SQLiteStorage(service.db)
    try:
        return s.search_days()
    finally:
        s.close()


def today():
    return datetime.now(timezone.utc).date()


# ------------------------------------------------------------------------------------------ accepted

def test_a_search_is_stored_cleaned_and_answered_201(service):
    before = stored_rows(service)
    r = post(service, {"lang": "en", "query": "  Invoice   PDF  for ACME ", "results": 0, "clicked_id": None,
                       "search_id": None})
    assert r.status_code == 201 and r.json() == {"ok": True}
    assert "set-cookie" not in r.headers and r.headers["x-content-type-options"] == "nosniff"
    assert stored_rows(service) == before + 1
    assert ("en", "invoice pdf for acme", today(), QueryCounts(1, 1, 0)) in search_days(service)


def test_the_widget_flow_reports_a_search_then_its_click_counted_once(service):
    """The widget reports a settled search after a pause, then the same search_id with the result clicked."""
    report = {"lang": "fr", "query": "résilier l'abonnement", "results": 4, "search_id": "5f0c2b1e-widget-0001"}
    assert post(service, report).status_code == 201
    assert post(service, {**report, "clicked_id": 4}).status_code == 201
    assert [c for l, q, _, c in search_days(service) if q == "résilier l'abonnement"] == [QueryCounts(1, 0, 1)]
    s = SQLiteStorage(service.db)
    try:
        assert (4, "fr", today(), 1) in s.search_clicks()
    finally:
        s.close()


@pytest.mark.parametrize("body", [
    {**SEARCH, "query": "  " + "q" * 200 + "\u00a0 "},          # 200 characters once trimmed
    {**SEARCH, "query": "x"},
    {**SEARCH, "results": 0},
    {**SEARCH, "results": 100_000},
    {**SEARCH, "clicked_id": 1, "search_id": "a" * 64},
    {**SEARCH, "search_id": "Ab-_0123"},                        # 8 characters
    {**SEARCH, "query": "😀 accents é à ß"},
])
def test_limits_are_inclusive(service, body):
    before = stored_rows(service)
    assert post(service, body).status_code == 201
    assert stored_rows(service) == before + 1


# ------------------------------------------------------------------------------------------ refused

BAD_SEARCHES = [
    # missing
    ({"query": "x", "results": 1}, 422, "lang: is required"),
    ({"lang": "fr", "results": 1}, 422, "query: is required"),
    ({"lang": "fr", "query": "x"}, 422, "results: is required"),
    ({}, 422, "lang: is required; query: is required; results: is required"),
    # lang
    ({**SEARCH, "lang": 1}, 422, "lang: must be text"),
    ({**SEARCH, "lang": None}, 422, "lang: must be text"),
    ({**SEARCH, "lang": "de"}, 422, "lang: unknown language; expected one of fr, en"),
    ({**SEARCH, "lang": "FR"}, 422, "lang: unknown language"),
    # query: type, emptiness, length, characters
    ({**SEARCH, "query": 5}, 422, "query: must be text, not a number"),
    ({**SEARCH, "query": None}, 422, "query: must be text, not null"),
    ({**SEARCH, "query": ["facture"]}, 422, "query: must be text, not a list"),
    ({**SEARCH, "query": ""}, 422, "query: is empty"),
    ({**SEARCH, "query": " \t\u00a0 "}, 422, "query: is empty"),
    ({**SEARCH, "query": "q" * 201}, 422, "query: too long: at most 200 characters (got 201)"),
    ({**SEARCH, "query": "é" * 201}, 422, "query: too long: at most 200 characters (got 201)"),
    ({**SEARCH, "query": "nul\x00"}, 422, "query: contains control characters"),
    ({**SEARCH, "query": "deux\nlignes"}, 422, "query: contains control characters"),
    ({**SEARCH, "query": "bad \x1b[31m escape"}, 422, "query: contains control characters"),
    ({**SEARCH, "query": "del\x7f"}, 422, "query: contains control characters"),
    ({**SEARCH, "query": "q" * 9000}, 413, f"body too large: at most {MAX_BODY} bytes"),
    # results
    ({**SEARCH, "results": "3"}, 422, "results: must be a whole number, not text"),
    ({**SEARCH, "results": True}, 422, "results: must be a whole number, not a boolean"),
    ({**SEARCH, "results": 1.5}, 422, "results: must be a whole number, not a number"),
    ({**SEARCH, "results": 3.0}, 422, "results: must be a whole number, not a number"),
    ({**SEARCH, "results": None}, 422, "results: must be a whole number, not null"),
    ({**SEARCH, "results": -1}, 422, "results: must be between 0 and 100000"),
    ({**SEARCH, "results": 100_001}, 422, "results: must be between 0 and 100000"),
    ({**SEARCH, "results": 2**64}, 422, "results: must be between 0 and 100000"),
    # clicked_id
    ({**SEARCH, "clicked_id": "1"}, 422, "clicked_id: must be a whole number (article id), not text"),
    ({**SEARCH, "clicked_id": True}, 422, "clicked_id: must be a whole number (article id), not a boolean"),
    ({**SEARCH, "clicked_id": 1.0}, 422, "clicked_id: must be a whole number"),
    ({**SEARCH, "clicked_id": 0}, 422, "clicked_id: must be an article id ≥ 1"),
    ({**SEARCH, "clicked_id": -2}, 422, "clicked_id: must be an article id ≥ 1"),
    ({**SEARCH, "clicked_id": 999}, 422, "clicked_id: unknown article: no article 999 in language 'fr'"),
    ({**SEARCH, "lang": "en", "clicked_id": 4}, 422, "clicked_id: unknown article: no article 4 in language 'en'"),
    # search_id
    ({**SEARCH, "search_id": 12345678}, 422, "search_id: must be 8 to 64 letters, digits, '-' or '_'"),
    ({**SEARCH, "search_id": "short"}, 422, "search_id: must be 8 to 64 letters"),
    ({**SEARCH, "search_id": "a" * 65}, 422, "search_id: must be 8 to 64 letters"),
    ({**SEARCH, "search_id": "1234-5678'; --"}, 422, "search_id: must be 8 to 64 letters"),
    ({**SEARCH, "search_id": "abcdefgh\n"}, 422, "search_id: must be 8 to 64 letters"),
    # unknown fields (what the vote takes is not for a search either)
    ({**SEARCH, "ip": "1.2.3.4"}, 422, "ip: unknown field"),
    ({**SEARCH, "id": 1, "url": "/x/"}, 422, "id: unknown field; url: unknown field"),
]


@pytest.mark.parametrize("body,status,message", BAD_SEARCHES, ids=[m[:50] for _, _, m in BAD_SEARCHES])
def test_malformed_searches_are_refused_naming_the_field_and_nothing_is_stored(service, body, status, message):
    before = stored_rows(service)
    r = post(service, body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    assert message in r.json()["error"], r.json()
    if status == 422:
        assert message.split(":")[0] in {d["field"] for d in r.json()["details"]}
    assert stored_rows(service) == before


def test_an_unpaired_surrogate_in_the_query_is_refused(service):
    before = stored_rows(service)
    r = post(service, b'{"lang": "fr", "query": "caf\\ud800", "results": 1}')
    assert r.status_code == 422 and "query: contains an unpaired surrogate" in r.json()["error"]
    assert stored_rows(service) == before


@pytest.mark.parametrize("body,content_type,status,message", [
    (b'{"lang": "fr", "query": "x", "results": 1, "results": 2}', "application/json", 400, "duplicate key 'results'"),
    (b'{"lang": "fr", "query": "x", "results": NaN}', "application/json", 400, "NaN is not valid JSON"),
    (b"[]", "application/json", 422, "expected a JSON object"),
    (json.dumps(SEARCH).encode(), "text/plain;charset=UTF-8", 415, "application/json"),
])
def test_the_body_rules_of_votes_apply(service, body, content_type, status, message):
    before = stored_rows(service)
    r = post(service, body, content_type)
    assert r.status_code == status and message in r.json()["error"]
    assert stored_rows(service) == before


def test_cors_and_origins_as_for_votes(service):
    pre = httpx.options(service.url("/api/search"), headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 204 and pre.headers["access-control-allow-origin"] == ORIGIN
    r = post(service, SEARCH, Origin=ORIGIN)
    assert r.status_code == 201 and r.headers["access-control-allow-origin"] == ORIGIN
    before = stored_rows(service)
    r = post(service, SEARCH, Origin="https://evil.example")
    assert r.status_code == 403 and "access-control-allow-origin" not in r.headers
    assert stored_rows(service) == before
    assert httpx.get(service.url("/api/search")).status_code == 405


def test_searches_are_rate_limited_with_the_other_requests(service_factory, tmp_path):
    limited = service_factory(tmp_path, rate_limit=3)
    codes = [post(limited, SEARCH).status_code for _ in range(3)]
    r = post(limited, SEARCH)
    assert codes == [201] * 3 and r.status_code == 429 and int(r.headers["retry-after"]) >= 1


def test_the_raw_query_never_reaches_the_database_file_or_the_log(service_factory, tmp_path):
    s = service_factory(tmp_path)
    raw = "Mon adresse Jean.Dupont@Exemple.fr et ma carte 4970 1012 3456 7890"
    assert post(s, {"lang": "fr", "query": raw, "results": 0, "search_id": "raw-query-0001"}).status_code == 201
    assert post(s, {"lang": "fr", "query": raw, "results": 2, "clicked_id": 1,
                    "search_id": "raw-query-0001"}).status_code == 201
    s.stop()
    kept = [q for _, q, _, _ in search_days(s)]
    assert kept == ["mon adresse [email] et ma carte [number]"]
    files = list(tmp_path.glob("feedback.sqlite3*"))
    data = b"".join(p.read_bytes() for p in files) + s.log_text().encode()
    for secret in (b"Dupont", b"dupont", b"Exemple.fr", b"exemple.fr", b"4970", b"3456 7890"):
        assert secret not in data, (secret, files)
