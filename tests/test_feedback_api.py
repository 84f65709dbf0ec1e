"""The HTTP API in process (Starlette TestClient): validation, CORS, rate limit, summary, no cookies."""
from __future__ import annotations

import json

import warnings

import pytest

with warnings.catch_warnings():     # Starlette 1.x suggests httpx2 for its TestClient; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from feedback.app import RateLimiter, create_app
from feedback.catalogue import Catalogue, CatalogueError, CatalogueFile
from feedback.storage import Counts, SQLiteStorage, StorageError
from feedback.validation import MAX_BODY
from feedback_support import catalogue_data, pg_url, write_catalogue  # noqa: F401  (fixture)

ORIGIN = "http://127.0.0.1:8000"
VOTE = {"id": 1, "lang": "fr", "url": "/settings/a1/", "title": "Premier article", "value": "yes"}


@pytest.fixture
def storage(tmp_path):
    s = SQLiteStorage(tmp_path / "feedback.sqlite3")
    yield s
    s.close()


def make_client(storage, catalogue=None, **kw):
    cat = catalogue or Catalogue.from_data(catalogue_data())
    kw.setdefault("origins", [ORIGIN])
    kw.setdefault("rate_limit", 0)
    kw.setdefault("votes_per_day", 0)
    return TestClient(create_app(storage, cat, **kw), base_url="http://127.0.0.1:8001")


@pytest.fixture
def client(storage):
    with make_client(storage) as c:
        yield c


def post(client, path, body, content_type="application/json", **headers):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body, ensure_ascii=False)  # as JSON.stringify
    return client.post(path, content=data, headers={"Content-Type": content_type, **headers}
                       if content_type is not None else headers)


def assert_json_error(r, status, *fragments):
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "set-cookie" not in r.headers
    body = r.json()
    assert isinstance(body["error"], str) and body["error"]
    for f in fragments:
        assert f in body["error"], body
    return body


# ------------------------------------------------------------------------------------------ accepted

def test_a_vote_is_stored_and_answered_201(client, storage):
    r = post(client, "/api/feedback", {**VOTE, "comment": "  Très clair, merci.\n  "})
    assert r.status_code == 201 and r.json() == {"ok": True}
    assert "set-cookie" not in r.headers
    assert storage.totals() == {(1, "fr"): Counts(0, 1, 0)}
    assert [c.comment for c in storage.comments()] == ["Très clair, merci."]   # trimmed


@pytest.mark.parametrize("extra", [{}, {"comment": ""}, {"comment": None}, {"comment": "   "}])
def test_an_absent_or_empty_comment_stores_no_comment(client, storage, extra):
    body = {"id": 2, "lang": "en", "value": "no", **extra}
    assert post(client, "/api/feedback", body).status_code == 201
    assert storage.totals() == {(2, "en"): Counts(0, 0, 1)} and storage.comments() == []


def test_limits_are_inclusive(client, storage):
    assert post(client, "/api/feedback", {**VOTE, "comment": "é" * 500}).status_code == 201
    body = {**VOTE, "comment": "", "url": "/" + "u" * 499, "title": "t" * 300}
    assert post(client, "/api/feedback", body).status_code == 201
    padded = json.dumps({**VOTE, "comment": "ok"}).encode()
    padded = padded + b" " * (MAX_BODY - len(padded))      # exactly the limit
    assert post(client, "/api/feedback", padded).status_code == 201
    assert post(client, "/api/feedback", {**VOTE, "comment": "line 1\nline 2\ttab"}).status_code == 201
    assert storage.vote_count() == 4


def test_the_largest_valid_vote_fits_in_the_body_limit(client, storage):
    """Every field at its limit, in 4-byte characters (emoji), as the widget sends it (JSON.stringify keeps
    them as UTF-8): stored, not refused as too large."""
    emoji = "\U0001F600"
    body = {**VOTE, "value": "no", "reason": "unclear", "vote_id": "v" * 64, "comment": emoji * 500,
            "title": emoji * 300, "url": "/" + emoji * 499}
    raw = json.dumps(body, ensure_ascii=False).encode()
    assert len(raw) > 5000
    assert post(client, "/api/feedback", raw).status_code == 201
    assert [c.comment for c in storage.comments()] == [emoji * 500]


def test_content_type_with_charset_is_accepted(client, storage):
    r = post(client, "/api/feedback", VOTE, "application/json; charset=UTF-8")
    assert r.status_code == 201


def test_the_widget_payload_and_flow_count_one_vote(client, storage):
    """What overrides/assets/kb.js sends: a "no", then the same vote (same vote_id) with a comment."""
    vote = {"id": 2, "lang": "en", "url": "/en/settings/a2/", "title": "Second article", "value": "no",
            "comment": "", "vote_id": "9b2f6a0e-1c1d-4d5e-8f00-123456789abc"}
    assert post(client, "/api/feedback", vote).status_code == 201
    assert post(client, "/api/feedback", {**vote, "comment": "The menu is named differently."}).status_code == 201
    assert storage.totals() == {(2, "en"): Counts(0, 0, 1)}
    assert [c.comment for c in storage.comments()] == ["The menu is named differently."]
    fallback_id = "1764280000000-9f8e7d6c5b4a3"      # kb.js without crypto.randomUUID
    assert post(client, "/api/feedback", {**vote, "vote_id": fallback_id, "value": "yes"}).status_code == 201
    assert storage.totals() == {(2, "en"): Counts(0, 1, 1)}


def test_a_reason_is_stored_with_the_no_and_replaced_with_the_vote(client, storage):
    """The widget: "no", then a reason (one click), then another reason, then a comment, then "yes"."""
    vote = {"id": 2, "lang": "en", "value": "no", "comment": "", "vote_id": "reason-vote-0001"}
    assert post(client, "/api/feedback", vote).status_code == 201
    assert storage.reasons() == {}
    assert post(client, "/api/feedback", {**vote, "reason": "outdated"}).status_code == 201
    assert post(client, "/api/feedback", {**vote, "reason": "missing-steps"}).status_code == 201
    assert post(client, "/api/feedback", {**vote, "reason": "missing-steps", "comment": "Step 3?"}).status_code == 201
    assert post(client, "/api/feedback", {"id": 2, "lang": "en", "value": "no", "reason": None}).status_code == 201
    assert post(client, "/api/feedback", {"id": 2, "lang": "en", "value": "no", "reason": "other"}).status_code == 201
    assert storage.reasons() == {(2, "en"): {"missing-steps": 1, "other": 1}}
    assert storage.totals() == {(2, "en"): Counts(0, 0, 3)}
    row = {(a["id"], a["lang"]): a for a in client.get("/api/feedback/summary").json()["articles"]}[(2, "en")]
    assert row["reasons"] == {"outdated": 0, "missing-steps": 1, "unclear": 0, "other": 1}
    assert post(client, "/api/feedback", {**vote, "value": "yes"}).status_code == 201    # changed their mind
    assert storage.reasons() == {(2, "en"): {"other": 1}}


def test_a_view_is_counted(client, storage):
    assert post(client, "/api/view", {"id": 3, "lang": "en", "url": "/en/settings/a3/"}).status_code == 201
    assert post(client, "/api/view", {"id": 3, "lang": "en"}).status_code == 201
    assert storage.totals() == {(3, "en"): Counts(views=2)}


# ------------------------------------------------------------------------------------------ refused

LONG = "x" * 9000
BAD_VOTES = [
    # wrong types
    ({**VOTE, "id": "1"}, 422, "id: must be a whole number"),
    ({**VOTE, "id": 1.0}, 422, "id: must be a whole number"),
    ({**VOTE, "id": True}, 422, "id: must be a whole number"),
    ({**VOTE, "id": None}, 422, "id: must be a whole number"),
    ({**VOTE, "id": [1]}, 422, "id: must be a whole number"),
    ({**VOTE, "lang": 1}, 422, "lang: must be text"),
    ({**VOTE, "value": True}, 422, 'value: must be "yes" or "no"'),
    ({**VOTE, "value": 1}, 422, 'value: must be "yes" or "no"'),
    ({**VOTE, "comment": 5}, 422, "comment: must be text"),
    ({**VOTE, "comment": ["a"]}, 422, "comment: must be text"),
    ({**VOTE, "url": 5}, 422, "url: must be text"),
    ({**VOTE, "title": {"a": 1}}, 422, "title: must be text"),
    # unknown or out-of-range values
    ({**VOTE, "id": 999}, 422, "id: unknown article: no article 999 in language 'fr'"),
    ({**VOTE, "id": 0}, 422, "id: must be an article id ≥ 1"),
    ({**VOTE, "id": -3}, 422, "id: must be an article id ≥ 1"),
    ({**VOTE, "id": 2**64}, 422, "id: must be an article id ≥ 1"),
    ({**VOTE, "lang": "de"}, 422, "lang: unknown language; expected one of fr, en"),
    ({**VOTE, "lang": "FR"}, 422, "lang: unknown language"),
    ({**VOTE, "value": "maybe"}, 422, 'value: must be "yes" or "no"'),
    ({**VOTE, "value": "Yes"}, 422, 'value: must be "yes" or "no"'),
    # sizes
    ({**VOTE, "comment": "c" * 501}, 422, "comment: too long: at most 500 characters (got 501)"),
    ({**VOTE, "url": "/" + "u" * 500}, 422, "url: too long: at most 500"),
    ({**VOTE, "title": "t" * 301}, 422, "title: too long: at most 300"),
    ({**VOTE, "comment": LONG}, 413, f"body too large: at most {MAX_BODY} bytes"),
    ({**VOTE, "comment": "bad \x1b[31m escape"}, 422, "comment: contains control characters"),
    # missing and unknown fields
    ({}, 422, "id: is required; lang: is required; value: is required"),
    ({"id": 1, "lang": "fr"}, 422, "value: is required"),
    ({"lang": "fr", "value": "yes"}, 422, "id: is required"),
    ({**VOTE, "ip": "1.2.3.4", "userAgent": "x"}, 422, "ip: unknown field; userAgent: unknown field"),
    # the widget's vote id
    ({**VOTE, "vote_id": 12345678}, 422, "vote_id: must be 8 to 64 letters"),
    ({**VOTE, "vote_id": "short"}, 422, "vote_id: must be 8 to 64 letters"),
    ({**VOTE, "vote_id": "a" * 65}, 422, "vote_id: must be 8 to 64 letters"),
    ({**VOTE, "vote_id": "1234-5678'; --"}, 422, "vote_id: must be 8 to 64 letters"),
    # the reason after "no"
    ({**VOTE, "value": "no", "reason": "boring"}, 422, "reason: must be one of outdated, missing-steps, unclear, other"),
    ({**VOTE, "value": "no", "reason": "Outdated"}, 422, "reason: must be one of"),
    ({**VOTE, "value": "no", "reason": 1}, 422, "reason: must be one of"),
    ({**VOTE, "value": "no", "reason": ["other"]}, 422, "reason: must be one of"),
    ({**VOTE, "value": "no", "reason": ""}, 422, "reason: must be one of"),
    ({**VOTE, "value": "yes", "reason": "unclear"}, 422, 'reason: only a "no" vote carries a reason'),
]


@pytest.mark.parametrize("body,status,message", BAD_VOTES, ids=[m[:40] for _, _, m in BAD_VOTES])
def test_malformed_votes_are_refused_with_a_clear_message_and_nothing_stored(client, storage, body, status,
                                                                           message):
    r = post(client, "/api/feedback", body)
    assert_json_error(r, status, message)
    if status == 422 and ":" in message:
        fields = {d["field"] for d in r.json()["details"]}
        assert message.split(":")[0] in fields
    assert storage.vote_count() == 0 and storage.totals() == {}


BAD_BODIES = [
    (b"{", 400, "not valid JSON"),
    (b'{"id": 1, "lang": "fr", "value": "yes",}', 400, "not valid JSON"),
    (b"", 400, "empty body"),
    (b"   ", 400, "empty body"),
    (b"[1, 2]", 422, "expected a JSON object"),
    (b"null", 422, "expected a JSON object"),
    (b'"yes"', 422, "expected a JSON object"),
    (b'{"id": NaN, "lang": "fr", "value": "yes"}', 400, "NaN is not valid JSON"),
    (b'{"id": 1, "lang": "fr", "value": "yes", "value": "no"}', 400, "duplicate key 'value'"),
    (b"[" * 1020 + b"]" * 1020, 400, "nested too deeply"),
    ('{"id": 1, "lang": "fr", "value": "yes", "comment": "caf\xe9"}'.encode("latin-1"), 400, "not valid UTF-8"),
]


@pytest.mark.parametrize("body,status,message", BAD_BODIES, ids=[m for _, _, m in BAD_BODIES])
def test_bad_json_is_refused(client, storage, body, status, message):
    assert_json_error(post(client, "/api/feedback", body), status, message)
    assert storage.vote_count() == 0


@pytest.mark.parametrize("field", ["comment", "url", "title"])
@pytest.mark.parametrize("text", ["\ud800", "ok \udfff", "\ud83d end"])   # half of an emoji too
def test_text_that_cannot_be_utf8_is_refused_naming_the_field(client, storage, field, text):
    """JSON may escape an unpaired surrogate ("\\ud800"); no database can store it: 422, not 503."""
    body = json.dumps({**VOTE, "value": "no", field: text})      # ASCII JSON, as JSON.stringify escapes it
    r = post(client, "/api/feedback", body.encode())
    data = assert_json_error(r, 422, f"{field}: contains an unpaired surrogate")
    assert [d["field"] for d in data["details"]] == [field]
    assert storage.vote_count() == 0
    assert post(client, "/api/feedback", {**VOTE, field: "😀 " * 3}).status_code == 201   # whole emoji: fine


@pytest.mark.parametrize("content_type", [None, "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/jsonp",
                                          "application/json; charset=latin-1"])
def test_wrong_content_type_is_refused(client, storage, content_type):
    r = post(client, "/api/feedback", VOTE, content_type)
    assert_json_error(r, 415, "application/json" if "latin" not in (content_type or "") else "UTF-8")
    assert storage.vote_count() == 0


def test_oversize_body_is_refused_without_content_length(client, storage):
    def chunks():                                   # chunked transfer: no Content-Length to trust
        yield json.dumps({**VOTE, "comment": ""})[:-1].encode()
        for _ in range(MAX_BODY // 500 + 1):
            yield b" " * 500
        yield b"}"
    r = client.post("/api/feedback", content=chunks(), headers={"Content-Type": "application/json"})
    assert_json_error(r, 413, f"at most {MAX_BODY} bytes")
    assert storage.vote_count() == 0


def test_lying_content_length_is_refused(client, storage):
    r = client.post("/api/feedback", content=json.dumps(VOTE),
                    headers={"Content-Type": "application/json", "Content-Length": "99999"})
    assert r.status_code in (400, 413)
    assert storage.vote_count() == 0


@pytest.mark.parametrize("body,message", [
    ({"id": 1, "lang": "fr", "value": "yes"}, "value: unknown field"),
    ({"id": 1, "lang": "fr", "comment": "x"}, "comment: unknown field"),
    ({"id": 7, "lang": "fr"}, "unknown article"),
    ({"id": "7", "lang": "fr"}, "id: must be a whole number"),
    ({"lang": "fr"}, "id: is required"),
    ({"id": 1, "lang": "es"}, "lang: unknown language"),
])
def test_malformed_views_are_refused(client, storage, body, message):
    assert_json_error(post(client, "/api/view", body), 422, message)
    assert storage.totals() == {}


def test_field_names_in_messages_are_bounded_and_never_html(client, storage):
    r = post(client, "/api/feedback", {**VOTE, "<img src=x onerror=alert(1)>" + "a" * 100: 1})
    body = assert_json_error(r, 422, "unknown field")
    assert len(body["details"][0]["field"]) <= 41
    assert r.headers["content-type"] == "application/json"


def test_other_routes_and_methods_answer_json(client):
    assert_json_error(client.get("/api/feedback"), 405, "method not allowed")
    assert_json_error(client.get("/nowhere"), 404, "not found")
    assert_json_error(client.put("/api/view", json={}), 405)


def test_storage_failure_is_503_and_says_the_vote_was_not_recorded(tmp_path):
    class Broken(SQLiteStorage):
        def record(self, events):
            raise StorageError("disk full")

    s = Broken(tmp_path / "b.sqlite3")
    with make_client(s) as c:
        assert_json_error(post(c, "/api/feedback", VOTE), 503, "nothing was recorded")
    assert s.vote_count() == 0
    s.close()


def test_a_storage_that_does_not_answer_in_time_is_503(tmp_path):
    import time

    class Slow(SQLiteStorage):
        def record(self, events):
            time.sleep(0.5)
            super().record(events)

    s = Slow(tmp_path / "slow.sqlite3")
    with make_client(s, write_timeout=0.1) as c:
        assert_json_error(post(c, "/api/feedback", VOTE), 503, "nothing was recorded")
    s.close()


def test_health_is_ok_when_the_storage_is(client):
    r = client.get("/api/health")
    assert r.status_code == 200 and r.json() == {"ok": True, "articles": 6}


def test_health_reports_a_full_disk_and_recovers_with_it(storage):
    """SQLite answers "database or disk is full" (SQLITE_FULL) whether the disk or max_page_count is full."""
    conn = storage._conn
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    with make_client(storage, health_cache=0) as c:
        codes = [post(c, "/api/feedback", {**VOTE, "comment": "x" * 500}).status_code for _ in range(30)]
        assert 503 in codes and set(codes) <= {201, 503}
        r = c.get("/api/health")
        assert r.status_code == 503, r.text
        assert r.json() == {"ok": False, "storage": "cannot write: database or disk is full", "articles": 6}
        assert "feedback.sqlite3" not in r.text                     # no file path on a public endpoint
        conn.execute("PRAGMA max_page_count = 1000000")              # space freed
        r = c.get("/api/health")
        assert r.status_code == 200 and r.json()["ok"] is True
        assert post(c, "/api/feedback", VOTE).status_code == 201


# ---------------------------------------------------------------------------------------------- CORS

def test_preflight_from_the_site_origin_is_allowed(client):
    r = client.options("/api/feedback", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                                                 "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in r.headers["access-control-allow-methods"]
    assert r.headers["access-control-allow-headers"].lower() == "content-type"
    assert "access-control-allow-credentials" not in r.headers
    assert "Origin" in r.headers["vary"]


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    {"Origin": "http://127.0.0.1:8000.evil.example", "Access-Control-Request-Method": "POST"},
    {"Origin": "null", "Access-Control-Request-Method": "POST"},
    {"Origin": ORIGIN, "Access-Control-Request-Method": "DELETE"},
    {"Origin": ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-secret"},
])
def test_preflight_from_elsewhere_is_refused(client, headers):
    r = client.options("/api/feedback", headers=headers)
    assert_json_error(r, 403)
    if headers["Origin"] != ORIGIN:
        assert "access-control-allow-origin" not in r.headers


def test_requests_from_another_origin_are_refused_and_store_nothing(client, storage):
    r = post(client, "/api/feedback", VOTE, Origin="https://evil.example")
    assert_json_error(r, 403, "origin not allowed")
    assert "access-control-allow-origin" not in r.headers
    assert storage.vote_count() == 0


def test_requests_from_the_site_carry_the_cors_header(client, storage):
    r = post(client, "/api/feedback", VOTE, Origin=ORIGIN)
    assert r.status_code == 201 and r.headers["access-control-allow-origin"] == ORIGIN
    r = post(client, "/api/feedback", VOTE, Origin=ORIGIN + "/")       # same origin, trailing slash
    assert r.status_code == 201
    s = client.get("/api/feedback/summary", headers={"Origin": ORIGIN})
    assert s.headers["access-control-allow-origin"] == ORIGIN
    # sendBeacon's default text/plain from the site: refused, nothing stored
    assert_json_error(post(client, "/api/feedback", VOTE, "text/plain;charset=UTF-8", Origin=ORIGIN), 415)
    assert storage.vote_count() == 2


# ---------------------------------------------------------------------------------------- rate limit

def test_rate_limit_answers_429_per_client(storage):
    with make_client(storage, rate_limit=5) as c:
        codes = [post(c, "/api/view", {"id": 1, "lang": "fr"}).status_code for _ in range(7)]
        assert codes == [201] * 5 + [429] * 2
        r = post(c, "/api/feedback", VOTE)
        assert_json_error(r, 429, "too many requests")
        assert int(r.headers["retry-after"]) >= 1
        assert c.get("/api/health").status_code == 200          # health checks are not limited
    assert storage.totals() == {(1, "fr"): Counts(views=5)}


def test_rate_limiter_refills_and_keys_clients():
    rl = RateLimiter(60)                                           # 1 per second, burst 60
    assert all(rl.check("a", now=0.0) == 0 for _ in range(60))
    assert rl.check("a", now=0.0) == pytest.approx(1.0)
    assert rl.check("b", now=0.0) == 0                             # another client is not affected
    assert rl.check("a", now=1.0) == 0
    assert rl.check("a", now=1.0) > 0
    assert RateLimiter(0).check("a") == 0                          # 0 = off
    assert RateLimiter.key(("2001:db8:1:2:aaaa::1", 5)) == RateLimiter.key(("2001:db8:1:2:bbbb::9", 6))
    assert RateLimiter.key(("::ffff:192.0.2.7", 1)) == "192.0.2.7"
    assert RateLimiter.key(("192.0.2.7", 1)) == "192.0.2.7"


def test_rate_limiter_memory_is_bounded():
    rl = RateLimiter(10, max_clients=100)
    for n in range(1000):
        rl.check(f"10.0.{n // 256}.{n % 256}", now=float(n) / 1000)
    assert len(rl._buckets) <= 100


def test_votes_per_article_per_network_per_day_are_limited(storage):
    """Ballot stuffing: a script posting votes with a new vote_id each time."""
    app = create_app(storage, Catalogue.from_data(catalogue_data()), origins=[ORIGIN], rate_limit=0, votes_per_day=3)

    async def client_from_header(scope, receive, send):       # the client address each request comes from
        if scope["type"] == "http":
            scope = dict(scope, client=(dict(scope["headers"]).get(b"x-test-client", b"").decode(), 5000))
        await app(scope, receive, send)

    def vote(c, address, body):
        return post(c, "/api/feedback", body, **{"X-Test-Client": address})

    with TestClient(client_from_header, base_url="http://127.0.0.1:8001") as c:
        codes = [vote(c, "203.0.113.7", {**VOTE, "vote_id": f"stuffed-{n:04d}"}).status_code for n in range(6)]
        assert codes == [201] * 3 + [429] * 3
        r = vote(c, "203.0.113.7", {**VOTE, "vote_id": "stuffed-9999"})
        assert_json_error(r, 429, "too many votes for this article from your network today")
        assert 1 <= int(r.headers["retry-after"]) <= 86400
        # a vote already counted, reported again (a comment added, a change of mind), still goes through
        again = {**VOTE, "vote_id": "stuffed-0001", "value": "no", "comment": "En fait, non."}
        assert vote(c, "203.0.113.7", again).status_code == 201
        # other articles and languages have their own limit; views are not votes
        assert vote(c, "203.0.113.7", {**VOTE, "id": 2}).status_code == 201
        assert vote(c, "203.0.113.7", {**VOTE, "lang": "en"}).status_code == 201
        assert post(c, "/api/view", {"id": 1, "lang": "fr"}, **{"X-Test-Client": "203.0.113.7"}).status_code == 201
        # the same /24 is the same network; another network is not affected
        assert vote(c, "203.0.113.200", VOTE).status_code == 429
        assert vote(c, "198.51.100.7", VOTE).status_code == 201
    assert storage.totals()[(1, "fr")] == Counts(views=1, yes=3, no=1)


def test_vote_limiter_networks_and_days():
    from datetime import datetime, timedelta, timezone

    from feedback.limits import VoteLimiter, network
    assert network(("2001:db8:1:2:aaaa::1", 1)) == network(("2001:db8:1:ffff::9", 2)) == "2001:db8:1::/48"
    assert network(("2001:db8:2::1", 1)) != network(("2001:db8:1::1", 1))
    assert network(("::ffff:192.0.2.7", 1)) == network(("192.0.2.99", 1)) == "192.0.2.0/24"
    limiter = VoteLimiter(2)
    day = datetime(2026, 3, 1, 23, 59, 0, tzinfo=timezone.utc)
    assert [limiter.check(("192.0.2.1", 1), 1, "fr", None, day) for _ in range(3)][:2] == [0, 0]
    assert limiter.check(("192.0.2.1", 1), 1, "fr", None, day) == 60          # seconds to midnight UTC
    assert limiter.check(("192.0.2.1", 1), 1, "fr", None, day + timedelta(minutes=2)) == 0   # a new day
    assert VoteLimiter(0).check(("192.0.2.1", 1), 1, "fr", None) == 0          # 0 = off


# -------------------------------------------------------------------------------------------- summary

def test_summary_counts_yes_no_ratio_and_views(client):
    for value in ("yes", "yes", "yes", "no"):
        post(client, "/api/feedback", {**VOTE, "value": value})
    post(client, "/api/view", {"id": 1, "lang": "fr"})
    post(client, "/api/feedback", {"id": 2, "lang": "en", "value": "no"})
    r = client.get("/api/feedback/summary")
    assert r.status_code == 200 and "set-cookie" not in r.headers
    rows = {(a["id"], a["lang"]): a for a in r.json()["articles"]}
    assert len(rows) == 6                                          # every catalogue article is listed
    assert rows[(1, "fr")] == {"id": 1, "lang": "fr", "title": "Premier article", "url": "/settings/a1/",
                               "yes": 3, "no": 1, "helpful_ratio": 0.75, "views": 1,
                               "reasons": {"outdated": 0, "missing-steps": 0, "unclear": 0, "other": 0}}
    assert rows[(2, "en")]["helpful_ratio"] == 0.0
    assert rows[(3, "fr")]["helpful_ratio"] is None and rows[(3, "fr")]["yes"] == 0
    only_en = client.get("/api/feedback/summary?lang=en").json()["articles"]
    assert {a["lang"] for a in only_en} == {"en"} and len(only_en) == 3


def test_summary_parameters_are_validated(client):
    assert_json_error(client.get("/api/feedback/summary?lang=de"), 422, "lang")
    assert_json_error(client.get("/api/feedback/summary?since=yesterday"), 422, "since")
    assert_json_error(client.get("/api/feedback/summary?foo=1"), 422, "unknown query parameter")
    assert client.get("/api/feedback/summary?since=2020-01-01").status_code == 200


def test_summary_keeps_stored_articles_that_left_the_catalogue(storage):
    from feedback.storage import Vote
    storage.record([Vote(42, "fr", "no")])
    with make_client(storage) as c:
        rows = {(a["id"], a["lang"]): a for a in c.get("/api/feedback/summary").json()["articles"]}
    assert rows[(42, "fr")]["title"] is None and rows[(42, "fr")]["no"] == 1


# ------------------------------------------------------------------------------------------ catalogue

def test_the_catalogue_is_reloaded_when_the_site_is_rebuilt(tmp_path, storage):
    path = write_catalogue(tmp_path / "kb-catalogue.json", articles=[(1, "Un", "One")])
    cat = CatalogueFile(path, interval=0)
    with make_client(storage, cat) as c:
        assert post(c, "/api/feedback", {"id": 2, "lang": "fr", "value": "yes"}).status_code == 422
        write_catalogue(path, articles=[(1, "Un", "One"), (2, "Deux", "Two")])
        assert post(c, "/api/feedback", {"id": 2, "lang": "fr", "value": "yes"}).status_code == 201
        path.write_text("{ broken", encoding="utf-8")              # a broken file: keep the last good one
        assert post(c, "/api/feedback", {"id": 2, "lang": "en", "value": "yes"}).status_code == 201


@pytest.mark.parametrize("text,message", [
    (None, "catalogue not found"),
    ("{", "not valid JSON"),
    ('{"version": 2}', "expected"),
    ('{"version": 1, "languages": ["fr"], "articles": [{"id": "1", "lang": "fr", "title": "t", "url": "/"}]}',
     r"articles\[0\]\.id"),
    ('{"version": 1, "languages": ["fr"], "articles": [{"id": 1, "lang": "en", "title": "t", "url": "/"}]}',
     "not one of the languages"),
])
def test_a_bad_catalogue_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "kb-catalogue.json"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        CatalogueFile(path)


def test_the_real_build_catalogue_format_is_accepted():
    from helpcenter.pages.export import catalogue_data as build_catalogue_data
    from helpcenter import content
    from conftest import ROOT
    built = content.load(ROOT / "docs", ["fr", "en"], "fr", root=ROOT)
    cat = Catalogue.from_data(json.loads(json.dumps(build_catalogue_data(built))))
    assert cat.languages == ("fr", "en") and len(cat) == 40
    assert cat.get(1, "en").url.startswith("/en/")


def test_health_reports_a_postgresql_database_that_refuses_writes(pg_url):
    """E.g. a replica promoted the wrong way round: connected, readable, every write refused."""
    from feedback.postgres import PostgresStorage
    storage = PostgresStorage(pg_url)
    try:
        with make_client(storage, health_cache=0) as c:
            assert c.get("/api/health").status_code == 200
            storage._conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            storage._conn.commit()
            assert_json_error(post(c, "/api/feedback", VOTE), 503, "nothing was recorded")
            r = c.get("/api/health")
            assert r.status_code == 503 and r.json()["ok"] is False
            assert r.json()["storage"].startswith("PostgreSQL: cannot execute ")
            assert "read-only transaction" in r.json()["storage"] and "127.0.0.1" not in r.text
            storage._conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")
            storage._conn.commit()
            assert c.get("/api/health").status_code == 200
            assert post(c, "/api/feedback", VOTE).status_code == 201
    finally:
        storage.close()
