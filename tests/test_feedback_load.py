"""The real service (uvicorn subprocess) under load: exact counts with 50 concurrent clients, durability
when the process is SIGKILLed mid-load, several instances sharing PostgreSQL, and the benchmark script."""
from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import sqlite3
import ssl
import subprocess
import sys
from collections import Counter

import httpx
import pytest

from feedback.databases import open_storage
from feedback_support import ROOT, postgres, service_factory  # noqa: F401  (fixture)

CLIENTS, VOTES = 50, 2000
# generous bounds: these tests assert outcomes (what was acknowledged is stored), never speed; the tests
# share two cores with other jobs
TIMEOUT = 120
TLS = ssl.create_default_context()   # unused on http://, but httpx builds one per client unless given one
KEYS = [(i, lang) for i in (1, 2, 3) for lang in ("fr", "en")]


def vote(n: int, comment: str | None = None) -> dict:
    art_id, lang = KEYS[n % len(KEYS)]
    body = {"id": art_id, "lang": lang, "value": "yes" if n % 7 < 4 else "no", "url": f"/a{art_id}/"}
    if comment is not None:
        body["comment"] = comment
    return body


async def send_votes(bases: list[str], clients: int, votes: int):
    """``clients`` concurrent clients (one connection each) share ``votes`` votes; return the 201s per
    (id, lang, value), the other statuses and the views sent (every fourth request also sends a view)."""
    numbers = iter(range(votes))
    accepted: Counter = Counter()
    other: Counter = Counter()
    views: Counter = Counter()

    async def client(k: int):
        async with httpx.AsyncClient(base_url=bases[k % len(bases)], timeout=TIMEOUT, verify=TLS) as c:
            for n in numbers:
                body = vote(n, f"client {k} vote {n}" if n % 5 == 0 else None)
                r = await c.post("/api/feedback", json=body)
                if r.status_code == 201:
                    accepted[(body["id"], body["lang"], body["value"])] += 1
                else:
                    other[r.status_code] += 1
                if n % 4 == 0:
                    r = await c.post("/api/view", json={"id": body["id"], "lang": body["lang"]})
                    assert r.status_code == 201, r.text
                    views[(body["id"], body["lang"])] += 1

    await asyncio.gather(*(client(k) for k in range(clients)))
    return accepted, other, views


def summary_json(base: str) -> dict:
    r = httpx.get(base + "/api/feedback/summary", timeout=TIMEOUT)
    assert r.status_code == 200
    return r.json()


def summary_counts(base: str):
    votes, views = Counter(), Counter()
    for a in summary_json(base)["articles"]:
        for value in ("yes", "no"):
            if a[value]:
                votes[(a["id"], a["lang"], value)] = a[value]
        if a["views"]:
            views[(a["id"], a["lang"])] = a["views"]
    return votes, views


def test_50_concurrent_clients_2000_votes_every_201_counted_exactly(service_factory):
    service = service_factory()
    accepted, other, views = asyncio.run(send_votes([service.base_url], CLIENTS, VOTES))
    assert not other, f"refused votes: {other}\n{service.log_text()}"
    assert sum(accepted.values()) == VOTES
    assert summary_counts(service.base_url) == (accepted, views)
    with sqlite3.connect(service.db) as db:                  # the rows themselves, not only the counters
        assert db.execute("SELECT COUNT(*) FROM votes").fetchone()[0] == VOTES
        assert db.execute("SELECT COUNT(*) FROM votes WHERE comment IS NOT NULL").fetchone()[0] == VOTES // 5


def test_two_instances_sharing_postgresql_count_every_vote_exactly(service_factory, tmp_path):
    url = postgres().new_database()
    a = service_factory(tmp_path / "a", database_url=url)
    b = service_factory(tmp_path / "b", database_url=url)
    accepted, other, views = asyncio.run(send_votes([a.base_url, b.base_url], CLIENTS, VOTES))
    assert not other, f"refused votes: {other}\n{a.log_text()}\n{b.log_text()}"
    assert sum(accepted.values()) == VOTES
    assert summary_counts(a.base_url) == (accepted, views) == summary_counts(b.base_url)
    storage = open_storage(database_url=url)
    assert storage.vote_count() == VOTES
    storage.close()


async def load_until_killed(service, start: int, kill_after: int):
    """20 clients vote (comment = a unique token) until the server is SIGKILLed after ``kill_after``
    acknowledgements; return (acknowledged tokens, requests cut off by the kill, other statuses)."""
    counter = itertools.count(start)
    acked: set[str] = set()
    cut: list[str] = []
    other: Counter = Counter()
    killed = asyncio.Event()

    async def client():
        async with httpx.AsyncClient(base_url=service.base_url, timeout=TIMEOUT, verify=TLS) as c:
            while True:
                n = next(counter)
                token = f"ack-{n}"
                try:
                    r = await c.post("/api/feedback", json=vote(n, token))
                    if n % 3 == 0:
                        await c.post("/api/view", json={"id": 1, "lang": "fr"})
                except httpx.HTTPError as exc:
                    assert killed.is_set(), f"error before the kill: {exc!r}"
                    cut.append(token)
                    return
                if r.status_code == 201:
                    acked.add(token)
                else:
                    other[r.status_code] += 1

    async def killer():
        while len(acked) < kill_after:
            await asyncio.sleep(0.002)
        killed.set()
        os.kill(service.pid, signal.SIGKILL)

    await asyncio.gather(killer(), *(client() for _ in range(20)))
    service.proc.wait(TIMEOUT)
    return acked, cut, other


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sigkill_mid_load_loses_no_acknowledged_vote(service_factory, tmp_path, backend):
    url = postgres().new_database() if backend == "postgresql" else None
    service = service_factory(database_url=url)
    all_acked: set[str] = set()
    for round_, kill_after in enumerate((150, 400, 250)):
        acked, cut, other = asyncio.run(load_until_killed(service, 100_000 * round_, kill_after))
        assert not other, other
        assert cut, "the kill did not interrupt requests in flight"
        assert service.proc.returncode == -signal.SIGKILL
        all_acked |= acked
        service = service_factory(database_url=url)     # restart on the same database
        if backend == "sqlite":
            with sqlite3.connect(service.db) as db:
                assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                stored = {c for (c,) in db.execute("SELECT comment FROM votes WHERE comment LIKE 'ack-%'")}
                # votes rows and daily counters are written in one transaction: they agree
                assert db.execute("SELECT SUM(yes + no) FROM daily").fetchone()[0] == \
                    db.execute("SELECT COUNT(*) FROM votes").fetchone()[0]
        else:
            storage = open_storage(database_url=url)
            stored = {c.comment for c in storage.comments(limit=10**6)}
            assert sum(c.votes for c in storage.totals().values()) == storage.vote_count()
            storage.close()
        missing = all_acked - stored
        assert not missing, f"{len(missing)} acknowledged votes lost after SIGKILL, e.g. {sorted(missing)[:5]}"
        assert len(stored) <= len(all_acked) + 20 * (round_ + 1)   # at most the requests cut off, per round
    r = httpx.post(service.url("/api/feedback"), json=vote(1), timeout=TIMEOUT)   # the restarted service works
    assert r.status_code == 201
    total = sum(a["yes"] + a["no"] for a in summary_json(service.base_url)["articles"])
    assert total >= len(all_acked) + 1


def test_the_real_service_enforces_the_rate_limit_cors_and_sets_no_cookie(service_factory):
    service = service_factory(rate_limit=3, origins=["https://help.example.com"])
    with httpx.Client(base_url=service.base_url) as c:
        pre = c.options("/api/feedback", headers={"Origin": "https://help.example.com",
                                                  "Access-Control-Request-Method": "POST",
                                                  "Access-Control-Request-Headers": "content-type"})
        assert pre.status_code == 204 and pre.headers["access-control-allow-origin"] == "https://help.example.com"
        codes = [c.post("/api/feedback", json=vote(n), headers={"Origin": "https://help.example.com"})
                 for n in range(4)]
        assert [r.status_code for r in codes] == [201, 201, 201, 429]
        assert all("set-cookie" not in r.headers for r in codes) and not c.cookies
        assert "retry-after" in codes[-1].headers
        assert c.post("/api/feedback", json=vote(1), headers={"Origin": "https://evil.example"}).status_code == 403
    assert "127.0.0.1" in service.base_url


def test_benchmark_script_reports_throughput_and_latency():
    env = dict(os.environ)
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench" / "bench_feedback.py"), "--votes", "400",
                        "--clients", "20", "--warmup", "20", "--json", "--timeout", "300"],
                       capture_output=True, text=True, env=env, timeout=400)
    assert r.returncode == 0, r.stdout + r.stderr
    result = json.loads(r.stdout)
    assert result["ok"] and result["accepted"] == 400 and result["counted"] == 420
    assert result["votes_per_s"] > 0 and 0 < result["p50_ms"] <= result["p99_ms"]


def test_benchmark_mixes_votes_views_and_searches_and_checks_each_is_stored():
    env = dict(os.environ)
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench" / "bench_feedback.py"), "--events", "300",
                        "--mix", "1:1:1", "--clients", "10", "--warmup", "0", "--json", "--timeout", "300"],
                       capture_output=True, text=True, env=env, timeout=400)
    assert r.returncode == 0, r.stdout + r.stderr
    result = json.loads(r.stdout)
    assert result["ok"] and set(result["kinds"]) == {"vote", "view", "search"}
    assert [result["kinds"][k]["accepted"] for k in ("vote", "view", "search")] == [100, 100, 100]
    # a search report and its click (the same search_id) are one search
    assert result["counted_by_kind"] == {"vote": 100, "view": 100, "search": 50}
    assert 0 < result["kinds"]["search"]["p50_ms"] <= result["kinds"]["search"]["p99_ms"]


def test_benchmark_refuses_a_service_that_is_not_on_loopback(tmp_path):
    env = dict(os.environ)
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench" / "bench_feedback.py"), "--url", "http://192.0.2.1:8001",
                        "--catalogue", str(tmp_path / "c.json")], capture_output=True, text=True, env=env, timeout=30)
    assert r.returncode != 0 and "loopback" in r.stderr
