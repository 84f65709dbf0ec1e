"""GET /dashboard on the collector, over real HTTP: absent without a token, 401 without the right one, the
dashboard of the data the service recorded with the right one, with its own CSP and no CORS."""
from __future__ import annotations

import asyncio
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
    with start_service(workdir, extra=["--dashboard-token", TOKEN]) as s:
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
    for r in (get(s), get(s, f"/dashboard?token={TOKEN}"), get(s, Authorization=f"Bearer {TOKEN}")):
        assert r.status_code == 404 and r.json() == {"error": "not found"}


@pytest.mark.parametrize("path,headers", [
    ("/dashboard", {}),
    ("/dashboard?token=", {}),
    ("/dashboard?token=wrong", {}),
    (f"/dashboard?token={TOKEN[:-1]}", {}),                   # a prefix is not the token
    (f"/dashboard?token={TOKEN}x", {}),
    ("/dashboard", {"Authorization": "Bearer wrong-token-0123456789abcdef"}),
    ("/dashboard", {"Authorization": f"Basic {TOKEN}"}),
    ("/dashboard", {"Authorization": "Bearer"}),
    ("/dashboard?token=wrong", {"Authorization": "Bearer also-wrong"}),
])
def test_a_missing_or_wrong_token_is_401(served, path, headers):
    r = get(served, path, **headers)
    assert r.status_code == 401 and r.headers["content-type"] == "application/json"
    assert "token" in r.json()["error"] and r.headers["www-authenticate"].startswith("Bearer")
    assert COMMENT not in r.text


@pytest.mark.parametrize("how", ["header", "query"])
def test_the_dashboard_shows_the_recorded_data_with_its_own_headers(served, how):
    r = get(served, f"/dashboard?token={TOKEN}") if how == "query" else get(served, Authorization=f"Bearer {TOKEN}")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    # one Content-Security-Policy (the Guard's stricter one is not added on top), inline styles only
    csp = r.headers.get_list("content-security-policy")
    assert len(csp) == 1 and "default-src 'none'" in csp[0] and "style-src 'unsafe-inline'" in csp[0]
    assert "script" not in csp[0]
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
