#!/usr/bin/env python3
"""Benchmark of the feedback collector: a fixed load of votes, then accepted votes/s and latency.

    .venv/bin/python scripts/bench_feedback.py [--votes 5000] [--clients 50] [--no-vote-id]
        [--database-url postgresql://...] [--url http://127.0.0.1:8001 --catalogue FILE]

Without --url it starts its own service (``python -m feedback serve``, rate limit off) on a free
loopback port with a throwaway SQLite database (or the given PostgreSQL database) and stops it at the
end. With --url it loads a running service, which must be on the loopback interface. The load is
bounded (--votes, and --timeout seconds at most); the client uses keep-alive HTTP/1.1 connections, one
per simulated client, on the same machine as the service (so both share the CPU).

Each vote is the widget's payload (id, lang, url, title, value, comment, a fresh vote_id).
Prints the accepted votes per second, the p50/p90/p99/max latency of a vote (request sent to answer
read) and checks that the summary counts exactly the accepted votes. Exit status 1 when a vote was
refused or lost.
"""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sample_catalogue(n: int = 20) -> dict:
    return {"version": 1, "languages": ["fr", "en"],
            "articles": [{"id": i, "lang": lang, "title": f"Article {i} ({lang})",
                          "url": ("/" if lang == "fr" else "/en/") + f"a{i}/"}
                         for lang in ("fr", "en") for i in range(1, n + 1)]}


def http_json(method: str, url: str, body: dict | None = None, timeout: float = 10) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def wait_ready(base: str, proc: subprocess.Popen | None, log: Path | None, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the service exited ({proc.returncode}):\n"
                               + (log.read_text(errors="replace") if log else ""))
        try:
            if http_json("GET", base + "/api/health", timeout=1)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the service did not answer at {base} within {timeout}s")


@contextmanager
def own_service(database_url: str | None = None, workdir: Path | None = None):
    """Start ``python -m feedback serve`` on a free loopback port; yield its base URL."""
    tmp = Path(workdir or tempfile.mkdtemp(prefix="kb-bench-"))
    cat = tmp / "kb-catalogue.json"
    built = ROOT / "site" / "kb-catalogue.json"
    if built.is_file():
        shutil.copy(built, cat)
    else:
        cat.write_text(json.dumps(sample_catalogue()), encoding="utf-8")
    port = free_port()
    storage = ["--database-url", database_url] if database_url else ["--db", str(tmp / "bench.sqlite3")]
    log = tmp / "service.log"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "scripts"))
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "feedback", "serve", "--port", str(port), *storage,
                                 "--catalogue", str(cat), "--rate-limit", "0", "--votes-per-day", "0",
                                 "--log-level", "warning"],
                                cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, proc, log)
        yield base, json.loads(cat.read_text(encoding="utf-8"))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)


class Connection:
    """A minimal keep-alive HTTP/1.1 client for one connection (Content-Length framing only)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        try:
            self.writer.write(head + body)
            headers = await self.reader.readuntil(b"\r\n\r\n")
            lines = headers.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            fields = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:] if l)}
            data = await self.reader.readexactly(int(fields.get("content-length", "0")))
            if fields.get("connection", "").lower() == "close" or "content-length" not in fields:
                self.close()
            return status, data
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def vote_body(n: int, articles: list[dict], vote_ids: bool = True) -> tuple[tuple[int, str, str], bytes]:
    """The widget's payload (overrides/assets/kb.js): a new vote, with a fresh vote_id unless told not to."""
    a = articles[n % len(articles)]
    value = "yes" if n % 3 else "no"
    payload = {"id": a["id"], "lang": a["lang"], "url": a["url"], "title": a["title"], "value": value,
               "comment": f"bench comment {n}" if n % 10 == 0 else ""}
    if vote_ids:
        payload["vote_id"] = str(uuid.uuid4())
    return (a["id"], a["lang"], value), json.dumps(payload, ensure_ascii=False).encode()


async def load(base: str, articles: list[dict], votes: int, clients: int, start: int = 0, vote_ids: bool = True):
    """Send ``votes`` votes from ``clients`` connections; return (latencies of 201s, errors, seconds)."""
    parts = urlsplit(base)
    next_n = iter(range(start, start + votes))
    latencies: list[float] = []
    errors: dict[str, int] = {}

    async def client():
        conn = Connection(parts.hostname, parts.port)
        try:
            for n in next_n:
                _, body = vote_body(n, articles, vote_ids)
                t0 = time.perf_counter()
                try:
                    status, _ = await conn.request("POST", "/api/feedback", body)
                except (OSError, asyncio.IncompleteReadError) as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    continue
                if status == 201:
                    latencies.append(time.perf_counter() - t0)
                else:
                    errors[str(status)] = errors.get(str(status), 0) + 1
        finally:
            conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, errors, time.perf_counter() - t0


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def total_votes(base: str) -> int:
    status, data = http_json("GET", base + "/api/feedback/summary")
    return sum(a["yes"] + a["no"] for a in data["articles"])


def run(base: str, catalogue: dict, votes: int, clients: int, warmup: int, vote_ids: bool = True) -> dict:
    articles = catalogue["articles"]
    before = total_votes(base)
    warm: list[float] = []
    if warmup:
        warm, warm_errors, _ = asyncio.run(load(base, articles, warmup, min(clients, warmup), 10**6, vote_ids))
        if warm_errors:
            raise SystemExit(f"warm-up failed: {warm_errors}")
    lat, errors, secs = asyncio.run(load(base, articles, votes, clients, 0, vote_ids))
    counted = total_votes(base) - before
    return {"votes": votes, "clients": clients, "accepted": len(lat), "errors": errors, "seconds": secs,
            "votes_per_s": len(lat) / secs if secs else 0.0,
            "p50_ms": 1000 * statistics.median(lat) if lat else None,
            "p90_ms": 1000 * percentile(lat, 90) if lat else None,
            "p99_ms": 1000 * percentile(lat, 99) if lat else None,
            "max_ms": 1000 * max(lat) if lat else None,
            "counted": counted, "expected_count": len(lat) + len(warm)}


def check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        addrs = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        raise SystemExit(f"cannot resolve {host}")
    if not addrs or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addrs):
        raise SystemExit(f"refusing to load {url}: the benchmark only targets the loopback interface")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--votes", type=int, default=5000, help="votes measured (default 5000)")
    p.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    p.add_argument("--warmup", type=int, default=200, help="votes sent before measuring (default 200)")
    p.add_argument("--url", help="a running service on the loopback interface (default: start one)")
    p.add_argument("--catalogue", help="with --url: the catalogue the service uses")
    p.add_argument("--database-url", help="start the service on this PostgreSQL database instead of SQLite")
    p.add_argument("--timeout", type=float, default=300, help="stop after this many seconds (default 300)")
    p.add_argument("--no-vote-id", action="store_true",
                   help="send votes without the widget's vote_id (each request a new anonymous vote)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = p.parse_args(argv)
    if not 1 <= args.votes <= 1_000_000 or not 1 <= args.clients <= 1000 or args.warmup < 0:
        p.error("--votes 1..1000000, --clients 1..1000, --warmup ≥ 0")
    if args.url and not args.catalogue:
        p.error("--url needs --catalogue (the ids the service accepts)")

    def timed_out(*_):
        raise TimeoutError(f"benchmark stopped after {args.timeout:.0f} s (--timeout)")

    signal.signal(signal.SIGALRM, timed_out)
    signal.alarm(max(1, int(args.timeout)))
    if args.url:
        check_loopback(args.url)
        result = run(args.url.rstrip("/"), json.loads(Path(args.catalogue).read_text(encoding="utf-8")),
                     args.votes, args.clients, args.warmup, not args.no_vote_id)
        storage = "running service"
    else:
        with own_service(args.database_url) as (base, catalogue):
            result = run(base, catalogue, args.votes, args.clients, args.warmup, not args.no_vote_id)
        storage = "PostgreSQL" if args.database_url else "SQLite (WAL, synchronous=FULL)"
    signal.alarm(0)
    ok = not result["errors"] and result["counted"] == result["expected_count"]
    result.update(storage=storage, cpus=os.cpu_count(), ok=ok, payload="anonymous" if args.no_vote_id else "widget")
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['votes']} votes ({result['payload']} payload), {result['clients']} concurrent clients, {storage}, "
              f"{result['cpus']} CPUs (client and service on the same machine)")
        print(f"accepted: {result['accepted']} in {result['seconds']:.2f} s = {result['votes_per_s']:.0f} votes/s")
        if result["accepted"]:
            print(f"latency: p50 {result['p50_ms']:.1f} ms, p90 {result['p90_ms']:.1f} ms, "
                  f"p99 {result['p99_ms']:.1f} ms, max {result['max_ms']:.1f} ms")
        print(f"errors: {result['errors'] or 'none'}; counted in the summary: {result['counted']} "
              f"(expected {result['expected_count']}) {'OK' if ok else 'MISMATCH'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
