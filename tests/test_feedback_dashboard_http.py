"""/dashboard on the collector, over real HTTP: absent without a token; the token only in a header or
through the sign-in form (a session cookie), never in the address (400, not logged); the sign-in page
without the right one (401); the dashboard of the data the service recorded with it, with its own CSP and
no CORS."""
from __future__ import annotations

import asyncio
import json
import warnings

import httpx
import pytest
from bs4 import BeautifulSoup

from feedback.catalogue import Catalogue
from feedback.storage import SQLiteStorage, Vote
from feedback_support import catalogue_data, service_factory  # noqa: F401  (fixture)
from test_feedback_cli import cli

TOKEN = "dashboard-token-0123456789abcdef"
ORIGIN = "http://127.0.0.1:8000"
COMMENT = "Le bouton <b>Exporter</b> a changé de place"


def get(service, path="/dashboard", **headers) -> httpx.Response:
    return httpx.get(service.url(path), headers=headers, timeout=60)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A service with a dashboard token, holding votes it received over HTTP."""
    from feedback_support import start_service
    workdir = tmp_path_factory.mktemp("dashboard-http")
    with start_service(workdir, extra=["--dashboard-token", TOKEN, "--log-level", "debug"]) as s:
        for value in ("yes", "yes", "yes"):
            assert httpx.post(s.url("/api/feedback"), json={"id": 1, "lang": "fr", "value": value}).status_code == 201
        assert httpx.post(s.url("/api/feedback"), json={"id": 1, "lang": "fr", "value": "no", "comment": COMMENT,
                                                        "reason": "outdated"}).status_code == 201
        assert httpx.post(s.url("/api/view"), json={"id": 1, "lang": "fr"}).status_code == 201
        assert httpx.post(s.url("/api/search"), json={"lang": "fr", "query": "rien du tout",
                                                      "results": 0}).status_code == 201
        yield s


def test_without_a_configured_token_there_is_no_dashboard(service_factory):
    s = service_factory()
    for r in (get(s), get(s, f"/dashboard?token={TOKEN}"), get(s, Authorization=f"Bearer {TOKEN}"),
              httpx.post(s.url("/dashboard"), data={"token": TOKEN})):
        assert r.status_code == 404 and r.json() == {"error": "not found"}


def assert_sign_in_page(r: httpx.Response, status: int, problem: str | None = None):
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    csp = r.headers.get_list("content-security-policy")
    assert len(csp) == 1 and "form-action 'self'" in csp[0] and "script" not in csp[0]
    assert r.headers["cache-control"] == "no-store" and r.headers["referrer-policy"] == "same-origin"
    assert "set-cookie" not in r.headers
    form = BeautifulSoup(r.text, "html.parser").find("form")
    assert (form["method"], form["action"]) == ("post", "/dashboard")
    assert form.find("input", attrs={"name": "token"})["type"] == "password"
    assert "Authorization: Bearer &lt;token&gt;" in r.text
    if problem:
        assert problem in BeautifulSoup(r.text, "html.parser").get_text()
    assert COMMENT not in r.text and "<svg" not in r.text and TOKEN not in r.text


@pytest.mark.parametrize("path", [
    f"/dashboard?token={TOKEN}",                               # the right token, in the address: refused
    "/dashboard?token=",
    "/dashboard?token=wrong",
    f"/dashboard?x=1&token={TOKEN}",
    "/dashboard?lang=fr",                                      # the dashboard takes nothing in its address
])
def test_anything_in_the_address_is_refused_with_how_to_sign_in_and_never_logged(served, path):
    for r in (get(served, path), get(served, path, Authorization=f"Bearer {TOKEN}"),
              httpx.post(served.url(path), data={"token": TOKEN})):
        assert_sign_in_page(r, 400, "The dashboard takes nothing in its address")
    assert TOKEN not in served.log_text() and "token=" not in served.log_text()


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer wrong-token-0123456789abcdef"},
    {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": "Bearer"},
    {"Cookie": "kb_dashboard=forged"},
    {"Cookie": "kb_dashboard=99999999999.00"},
    {"Cookie": f"kb_dashboard={TOKEN}"},                       # the token itself is not a session
])
def test_a_missing_or_wrong_credential_gets_the_sign_in_page_401(served, headers):
    r = get(served, **headers)
    assert_sign_in_page(r, 401)
    assert r.headers["www-authenticate"].startswith("Bearer")


def assert_dashboard(r: httpx.Response):
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    # one Content-Security-Policy (the Guard's stricter one is not added on top), inline styles only
    csp = r.headers.get_list("content-security-policy")
    assert len(csp) == 1 and "default-src 'none'" in csp[0] and "style-src 'unsafe-inline'" in csp[0]
    assert "script" not in csp[0] and "form-action 'none'" in csp[0]
    assert r.headers["cache-control"] == "no-store" and r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer" and "set-cookie" not in r.headers
    soup = BeautifulSoup(r.text, "html.parser")
    assert soup.find("script") is None
    row = soup.select_one('#lang-fr table.helpfulness tr[data-id="1"]')
    cells = [td.get_text(strip=True) for td in row.find_all("td")]
    assert "Premier article" in cells[0] and cells[1:] == ["75 %", "3", "1", "4", "1"]
    assert COMMENT in soup.get_text()                        # the comment, as text
    assert "rien du tout" in soup.get_text()                 # the search that found nothing
    assert "<b>Exporter</b>" not in r.text                  # escaped, never markup


def test_the_dashboard_shows_the_recorded_data_for_the_bearer_header(served):
    assert_dashboard(get(served, Authorization=f"Bearer {TOKEN}"))


def session_cookie(r: httpx.Response) -> dict:
    [header] = r.headers.get_list("set-cookie")
    name_value, *attributes = [part.strip() for part in header.split(";")]
    name, _, value = name_value.partition("=")
    return {"name": name, "value": value, **{a.partition("=")[0].lower(): a.partition("=")[2] for a in attributes}}


def test_the_sign_in_form_sets_a_session_cookie_then_shows_the_dashboard(served):
    with httpx.Client(base_url=served.base_url, timeout=60) as browser:
        r = browser.post("/dashboard", data={"token": TOKEN}, headers={"Origin": served.base_url})
        assert r.status_code == 303 and r.headers["location"] == "/dashboard"
        cookie = session_cookie(r)
        assert cookie["name"] == "kb_dashboard" and TOKEN not in cookie["value"]
        assert (cookie["path"], cookie["samesite"], cookie["max-age"]) == ("/dashboard", "Strict", "43200")
        assert "httponly" in cookie and "secure" not in cookie            # plain HTTP here: no Secure
        assert_dashboard(browser.get(r.headers["location"]))              # the client keeps the cookie
    # the same cookie from another client works too, until it expires (it is the session, not the address)
    assert_dashboard(get(served, Cookie=f"kb_dashboard={cookie['value']}"))
    expired = f"kb_dashboard=1.{cookie['value'].partition('.')[2]}"
    assert_sign_in_page(get(served, Cookie=expired), 401)


@pytest.mark.parametrize("data,content_type,status", [
    ({"token": "wrong-token-0123456789abcdef"}, None, 401),
    ({"token": ""}, None, 401),
    ({"password": TOKEN}, None, 401),
    ({"token": [TOKEN, TOKEN]}, None, 401),                                   # one token, not two
    ({"token": TOKEN}, "application/json", 415),
    ({"token": "x" * 2000}, None, 413),
])
def test_a_wrong_sign_in_sets_no_cookie(served, data, content_type, status):
    headers = {"Content-Type": content_type} if content_type else {}
    body = json.dumps(dict(data)) if content_type == "application/json" else None
    r = httpx.post(served.url("/dashboard"), data=None if body else data, content=body, headers=headers)
    assert_sign_in_page(r, status)


def test_the_cookie_is_secure_when_the_page_is_https_and_cross_site_forms_are_refused(service_factory, tmp_path):
    s = service_factory(tmp_path, extra=["--dashboard-token", TOKEN, "--forwarded-allow-ips", "127.0.0.1"])
    behind_tls = httpx.post(s.url("/dashboard"), data={"token": TOKEN}, headers={"X-Forwarded-Proto": "https"})
    assert behind_tls.status_code == 303 and "secure" in session_cookie(behind_tls)
    from_https_page = httpx.post(s.url("/dashboard"), data={"token": TOKEN},
                                 headers={"Origin": "https://help.example.org"})
    assert from_https_page.status_code == 403                     # not an origin of this service
    evil = httpx.post(s.url("/dashboard"), data={"token": TOKEN}, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403 and "set-cookie" not in evil.headers
    s2 = service_factory(tmp_path / "tls", extra=["--dashboard-token", TOKEN],
                         origins=["https://help.example.org"])
    r = httpx.post(s2.url("/dashboard"), data={"token": TOKEN}, headers={"Origin": "https://help.example.org"})
    assert r.status_code == 303 and "secure" in session_cookie(r)
    # a session of another token (the token was changed) is refused
    other = service_factory(tmp_path / "other", extra=["--dashboard-token", TOKEN + "-changed"])
    assert_sign_in_page(get(other, Cookie=f"kb_dashboard={session_cookie(r)['value']}"), 401)


def test_no_cross_origin_access_to_the_dashboard(served):
    r = get(served, Authorization=f"Bearer {TOKEN}", Origin=ORIGIN)
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers
    pre = httpx.options(served.url("/dashboard"), headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET",
                                                           "Access-Control-Request-Headers": "authorization"})
    assert pre.status_code == 403 and "access-control-allow-origin" not in pre.headers
    r = get(served, Authorization=f"Bearer {TOKEN}", Origin="https://evil.example")
    assert r.status_code == 403
    # the API keeps its CORS
    assert get(served, "/api/feedback/summary", Origin=ORIGIN).headers["access-control-allow-origin"] == ORIGIN


def test_a_weak_token_is_refused_at_start(tmp_path):
    r = cli("serve", "--db", "f.sqlite3", "--dashboard-token", "short", cwd=tmp_path)
    assert r.returncode == 1 and "at least 16" in r.stderr
    r = cli("serve", "--db", "f.sqlite3", cwd=tmp_path, env={"FEEDBACK_DASHBOARD_TOKEN": "  spaces around  "})
    assert r.returncode == 1 and "FEEDBACK_DASHBOARD_TOKEN" in r.stderr


def test_without_matplotlib_the_dashboard_says_so_with_503(service_factory, tmp_path):
    fake = tmp_path / "no-matplotlib"
    (fake / "matplotlib").mkdir(parents=True)
    (fake / "matplotlib" / "__init__.py").write_text("raise ImportError('matplotlib is not installed (test)')\n")
    s = service_factory(tmp_path / "svc", extra=["--dashboard-token", TOKEN],
                        prefix=["env", f"PYTHONPATH={fake}"])
    r = get(s, Authorization=f"Bearer {TOKEN}")
    assert r.status_code == 503 and "requirements-dev.txt" in r.json()["error"]
    assert httpx.post(s.url("/api/feedback"), json={"id": 1, "lang": "fr", "value": "yes"}).status_code == 201


# ------------------------------------------------------------------------------------ in process: cache

def test_concurrent_requests_share_one_rendering_and_a_page_is_reused_for_a_while(tmp_path, monkeypatch):
    """Requests cannot load the service: 8 at once render once; within the cache period, the same page."""
    from feedback import dashboard
    from feedback.app import create_app

    renders = []
    real = dashboard.render
    monkeypatch.setattr(dashboard, "render", lambda storage, catalogue: (renders.append(1), real(storage, catalogue))[1])
    storage = SQLiteStorage(tmp_path / "f.sqlite3")
    storage.record([Vote(1, "fr", "no", "premier commentaire")])
    cat = Catalogue.from_data(catalogue_data())

    async def run(cache: float):
        app = create_app(storage, cat, rate_limit=0, dashboard_token=TOKEN, dashboard_cache=cache)
        inner = app.app
        async with inner.router.lifespan_context(inner):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8001") as c:
                auth = {"Authorization": f"Bearer {TOKEN}"}
                pages = await asyncio.gather(*(c.get("/dashboard", headers=auth) for _ in range(8)))
                assert [p.status_code for p in pages] == [200] * 8
                await c.post("/api/feedback", json={"id": 1, "lang": "fr", "value": "no",
                                                    "comment": "second commentaire"})
                later = await c.get("/dashboard", headers=auth)
                return {p.text for p in pages}, later.text

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pages, later = asyncio.run(run(cache=3600))
    assert len(renders) == 1 and len(pages) == 1                            # one rendering, shared
    assert later in pages and "second commentaire" not in later            # reused within the period
    renders.clear()
    pages, later = asyncio.run(run(cache=0))
    assert len(renders) == 9 and "second commentaire" in later              # no cache: each request renders
    storage.close()
