#!/usr/bin/env python3
"""Benchmark of the feedback collector: a fixed load of events, then accepted events/s and latency.

    .venv/bin/python scripts/bench/bench_feedback.py [--events 5000] [--clients 50] [--mix 1:0:0] [--no-vote-id]
        [--database-url postgresql://... [--instances 2]] [--limits] [--url http://127.0.0.1:8001 --catalogue FILE]

Without --url it starts its own service (``python -m feedback serve``, rate limit off) on a free
loopback port with a throwaway SQLite database (or the given PostgreSQL database) and stops it at the
end; with --instances N (PostgreSQL), N services on the one database, each client connection going to
one of them in turn (as nginx's upstream would spread them). --limits turns the per-client limits on, high
enough never to refuse (with PostgreSQL each request then checks them in the database: their cost is in the
figures). With --url it loads a running service, which must be on the loopback interface. The load is
bounded (--votes, and --timeout seconds at most); the client uses keep-alive HTTP/1.1 connections, one
per simulated client, on the same machine as the service (so both share the CPU).

``--mix VOTES:VIEWS:SEARCHES`` weighs the kinds of events, interleaved (default ``1:0:0``: votes only;
``1:1:1``: as many of each). Each event is the widget's payload: a vote (id, lang, url, title, value,
comment, a fresh vote_id), a page view (id, lang, url, title), or a search report (lang, query, results,
search_id): every second search report repeats the previous one's search_id with the clicked article, as
the widget does when the reader clicks a result (it replaces that report). Prints the accepted events per
second and the p50/p90/p99/max latency (request sent to answer read), overall and per kind, and checks
that the storage counts exactly the accepted events (votes and views from the summary; searches, with the
service it starts, from its database: one per search_id). Exit status 1 when an event was refused or lost.
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

ROOT = Path(__file__).resolve().parents[2]      # the repository


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
def own_service(database_url: str | None = None, workdir: Path | None = None, instances: int = 1,
                limits: bool = False):
    """Start ``instances`` × ``python -m feedback serve`` on free loopback ports (one database); yield their
    base URLs. ``limits``: the per-client limits on, too high to refuse anything (their cost is measured)."""
    tmp = Path(workdir or tempfile.mkdtemp(prefix="kb-bench-"))
    cat = tmp / "kb-catalogue.json"
    built = ROOT / "site" / "kb-catalogue.json"
    if built.is_file():
        shutil.copy(built, cat)
    else:
        cat.write_text(json.dumps(sample_catalogue()), encoding="utf-8")
    storage = ["--database-url", database_url] if database_url else ["--db", str(tmp / "bench.sqlite3")]
    limit = "1000000" if limits else "0"
    env = dict(os.environ)
    procs, bases = [], []
    try:
        for i in range(instances):
            port = free_port()
            log = tmp / f"service-{i}.log"
            with open(log, "wb") as out:
                proc = subprocess.Popen([sys.executable, "-m", "feedback", "serve", "--port", str(port), *storage,
                                         "--catalogue", str(cat), "--rate-limit", limit, "--votes-per-day", limit,
                                         "--searches-per-day", limit, "--log-level", "warning"],
                                        cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT)
            procs.append(proc)
            bases.append(f"http://127.0.0.1:{port}")
            wait_ready(bases[-1], proc, log)
        target = {"database_url": database_url} if database_url else {"db": str(tmp / "bench.sqlite3")}
        yield bases, json.loads(cat.read_text(encoding="utf-8")), target
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
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


KINDS = ("vote", "view", "search")
PATHS = {"vote": "/api/feedback", "view": "/api/view", "search": "/api/search"}
PLURAL = {"vote": "votes", "view": "views", "search": "searches"}
WORDS = ("facture", "abonnement", "paiement", "invoice", "webhook", "coupon", "tva 20", "export csv")


class Mix:
    """Which kind the n-th event is, interleaved by weight (``1:1:1``: vote, view, search, vote, ...), and
    its rank among the events of its kind."""

    def __init__(self, weights: tuple[int, int, int]):
        # each kind's events evenly spread over the cycle: 2:1:1 -> vote, view, vote, search
        self.cycle = [k for _, _, k in sorted(((i + 0.5) / w, KINDS.index(k), k)
                                              for k, w in zip(KINDS, weights) for i in range(w))]
        self.rank_in_cycle = [self.cycle[:i].count(k) for i, k in enumerate(self.cycle)]
        self.per_cycle = {k: self.cycle.count(k) for k in KINDS}

    def of(self, n: int) -> tuple[str, int]:
        pos = n % len(self.cycle)
        kind = self.cycle[pos]
        return kind, (n // len(self.cycle)) * self.per_cycle[kind] + self.rank_in_cycle[pos]


def vote_body(n: int, articles: list[dict], vote_ids: bool = True) -> bytes:
    """The widget's payload (overrides/assets/kb.js): a new vote, with a fresh vote_id unless told not to."""
    a = articles[n % len(articles)]
    value = "yes" if n % 3 else "no"
    payload = {"id": a["id"], "lang": a["lang"], "url": a["url"], "title": a["title"], "value": value,
               "comment": f"bench comment {n}" if n % 10 == 0 else ""}
    if vote_ids:
        payload["vote_id"] = str(uuid.uuid4())
    return json.dumps(payload, ensure_ascii=False).encode()


def view_body(n: int, articles: list[dict]) -> bytes:
    a = articles[n % len(articles)]
    return json.dumps({"id": a["id"], "lang": a["lang"], "url": a["url"], "title": a["title"]},
                      ensure_ascii=False).encode()


def search_body(n: int, articles: list[dict], run_id: str) -> bytes:
    """Search report n: even n a settled search, odd n the same search again with the clicked result."""
    first = n - n % 2
    a = articles[first % len(articles)]
    results = 0 if first % 10 == 0 else 1 + first % 7
    payload = {"lang": a["lang"], "query": f"{WORDS[first % len(WORDS)]} {first % 50}", "results": results,
               "search_id": f"bench-{run_id}-{first // 2}"}
    if n % 2 and results:
        payload["clicked_id"] = a["id"]
    return json.dumps(payload, ensure_ascii=False).encode()


def event_body(kind: str, n: int, articles: list[dict], vote_ids: bool, run_id: str) -> bytes:
    if kind == "vote":
        return vote_body(n, articles, vote_ids)
    if kind == "view":
        return view_body(n, articles)
    return search_body(n, articles, run_id)


async def load(bases: list[str], articles: list[dict], events: int, clients: int, mix: Mix, start: int = 0,
               vote_ids: bool = True, run_id: str = "run"):
    """Send ``events`` events from ``clients`` connections, taking the instances ``bases`` in turn (client k
    to instance k mod N); return ({kind: latencies of 201s}, {kind: search ids accepted}, errors, seconds)."""
    next_n = iter(range(start, start + events))
    latencies: dict[str, list[float]] = {k: [] for k in KINDS}
    search_ids: set[int] = set()
    errors: dict[str, int] = {}

    async def client(k: int):
        parts = urlsplit(bases[k % len(bases)])
        conn = Connection(parts.hostname, parts.port)
        try:
            for n in next_n:
                kind, rank = mix.of(n)
                body = event_body(kind, rank, articles, vote_ids, run_id)
                t0 = time.perf_counter()
                try:
                    status, _ = await conn.request("POST", PATHS[kind], body)
                except (OSError, asyncio.IncompleteReadError) as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    continue
                if status == 201:
                    latencies[kind].append(time.perf_counter() - t0)
                    if kind == "search":
                        search_ids.add(rank // 2)
                else:
                    errors[f"{kind} {status}"] = errors.get(f"{kind} {status}", 0) + 1
        finally:
            conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    return latencies, search_ids, errors, time.perf_counter() - t0


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def stored_counts(base: str, target: dict | None) -> dict[str, int | None]:
    """Votes and views from the summary; searches from the database (None when it is not ours)."""
    status, data = http_json("GET", base + "/api/feedback/summary")
    counts: dict[str, int | None] = {"vote": sum(a["yes"] + a["no"] for a in data["articles"]),
                                     "view": sum(a["views"] for a in data["articles"]), "search": None}
    if target is not None:
        from feedback.databases import open_storage
        storage = open_storage(**target)
        try:
            counts["search"] = sum(c.searches for *_, c in storage.search_days())
        finally:
            storage.close()
    return counts


def figures(lat: list[float], secs: float) -> dict:
    return {"accepted": len(lat), "per_s": len(lat) / secs if secs else 0.0,
            "p50_ms": 1000 * statistics.median(lat) if lat else None,
            "p90_ms": 1000 * percentile(lat, 90) if lat else None,
            "p99_ms": 1000 * percentile(lat, 99) if lat else None,
            "max_ms": 1000 * max(lat) if lat else None}


def run(bases: list[str], catalogue: dict, events: int, clients: int, warmup: int, vote_ids: bool = True,
        mix: Mix = Mix((1, 0, 0)), target: dict | None = None) -> dict:
    articles = catalogue["articles"]
    base = bases[0]                 # the instances share one database: any of them gives the counts
    run_id = uuid.uuid4().hex[:8]
    before = stored_counts(base, target)
    expected = {k: 0 for k in KINDS}
    searches: set[int] = set()
    if warmup:
        warm, warm_ids, warm_errors, _ = asyncio.run(load(bases, articles, warmup, min(clients, warmup), mix, 10**6,
                                                          vote_ids, run_id))
        if warm_errors:
            raise SystemExit(f"warm-up failed: {warm_errors}")
        expected.update({k: len(v) for k, v in warm.items()})
        searches |= warm_ids
    lat, ids, errors, secs = asyncio.run(load(bases, articles, events, clients, mix, 0, vote_ids, run_id))
    searches |= ids
    after = stored_counts(base, target)
    for k in ("vote", "view"):
        expected[k] += len(lat[k])
    expected["search"] = len(searches)           # a report and its click: one search
    counted = {k: None if after[k] is None else after[k] - before[k] for k in KINDS}
    checked = [k for k in KINDS if counted[k] is not None]
    every = [x for k in KINDS for x in lat[k]]
    overall = figures(every, secs)
    return {"events": events, "votes": events, "clients": clients, "instances": len(bases), "mix": mix.per_cycle, "errors": errors,
            "seconds": secs, **overall, "events_per_s": overall["per_s"], "votes_per_s": overall["per_s"],
            "kinds": {k: figures(lat[k], secs) for k in KINDS if mix.per_cycle[k]},
            "counted": sum(counted[k] for k in checked), "expected_count": sum(expected[k] for k in checked),
            "counted_by_kind": counted, "expected_by_kind": expected}


def check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        addrs = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        raise SystemExit(f"cannot resolve {host}")
    if not addrs or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addrs):
        raise SystemExit(f"refusing to load {url}: the benchmark only targets the loopback interface")


def parse_mix(text: str) -> Mix:
    try:
        weights = tuple(int(x) for x in text.split(":"))
    except ValueError:
        weights = ()
    if len(weights) != 3 or min(weights) < 0 or not 1 <= sum(weights) <= 100:
        raise argparse.ArgumentTypeError("VOTES:VIEWS:SEARCHES, three whole numbers ≥ 0, e.g. 1:1:1")
    return Mix(weights)


def print_figures(result: dict, storage: str) -> None:
    mix = ":".join(str(result["mix"][k]) for k in KINDS)
    print(f"{result['events']} events (votes:views:searches {mix}, {result['payload']} payload), "
          f"{result['clients']} concurrent clients, {result['instances']} instance(s), {storage}"
          f"{', limits on (in the database)' if result.get('limits') else ''}, {result['cpus']} CPUs (client and "
          "service on the same machine)")
    rows = [("all", result)] + [(PLURAL[k], f) for k, f in result["kinds"].items()] if len(result["kinds"]) > 1 \
        else [("all", result)]
    for name, f in rows:
        line = f"{name:>8}: {f['accepted']} accepted = {f['per_s']:.0f}/s"
        if f["accepted"]:
            line += (f"; latency p50 {f['p50_ms']:.1f} ms, p90 {f['p90_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms, "
                     f"max {f['max_ms']:.1f} ms")
        print(line)
    counted = ", ".join(f"{PLURAL[k]} {result['counted_by_kind'][k]} (expected {result['expected_by_kind'][k]})"
                        for k in KINDS if result["mix"][k] and result["counted_by_kind"][k] is not None)
    unchecked = [PLURAL[k] for k in KINDS if result["mix"][k] and result["counted_by_kind"][k] is None]
    print(f"errors: {result['errors'] or 'none'}; stored: {counted}"
          + (f"; not checked: {', '.join(unchecked)} (not our database)" if unchecked else "")
          + f" {'OK' if result['ok'] else 'MISMATCH'}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", "--votes", dest="events", type=int, default=5000,
                   help="events measured (default 5000; --votes is the former name)")
    p.add_argument("--mix", type=parse_mix, default=Mix((1, 0, 0)), metavar="V:W:S",
                   help="weights of votes, views and searches, interleaved (default 1:0:0, votes only)")
    p.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    p.add_argument("--warmup", type=int, default=200, help="events sent before measuring (default 200)")
    p.add_argument("--url", help="a running service on the loopback interface (default: start one)")
    p.add_argument("--catalogue", help="with --url: the catalogue the service uses")
    p.add_argument("--database-url", help="start the service on this PostgreSQL database instead of SQLite")
    p.add_argument("--instances", type=int, default=1,
                   help="start this many service instances on the one database (more than 1: PostgreSQL only), "
                        "the clients taking them in turn (default 1)")
    p.add_argument("--limits", action="store_true",
                   help="turn the per-client limits on (too high to refuse anything): with PostgreSQL, each "
                        "request checks them in the database")
    p.add_argument("--timeout", type=float, default=300, help="stop after this many seconds (default 300)")
    p.add_argument("--no-vote-id", action="store_true",
                   help="send votes without the widget's vote_id (each request a new anonymous vote)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = p.parse_args(argv)
    if not 1 <= args.events <= 1_000_000 or not 1 <= args.clients <= 1000 or args.warmup < 0:
        p.error("--events 1..1000000, --clients 1..1000, --warmup ≥ 0")
    if not 1 <= args.instances <= 8 or (args.instances > 1 and (args.url or not args.database_url)):
        p.error("--instances 1..8; more than one needs --database-url (PostgreSQL) and no --url")
    if args.url and not args.catalogue:
        p.error("--url needs --catalogue (the ids the service accepts)")

    def timed_out(*_):
        raise TimeoutError(f"benchmark stopped after {args.timeout:.0f} s (--timeout)")

    signal.signal(signal.SIGALRM, timed_out)
    signal.alarm(max(1, int(args.timeout)))
    options = dict(events=args.events, clients=args.clients, warmup=args.warmup, vote_ids=not args.no_vote_id,
                   mix=args.mix)
    if args.url:
        check_loopback(args.url)
        result = run([args.url.rstrip("/")], json.loads(Path(args.catalogue).read_text(encoding="utf-8")), **options)
        storage = "running service"
    else:
        with own_service(args.database_url, instances=args.instances, limits=args.limits) as (bases, catalogue, target):
            result = run(bases, catalogue, target=target, **options)
        storage = "PostgreSQL" if args.database_url else "SQLite (WAL, synchronous=FULL)"
    signal.alarm(0)
    ok = not result["errors"] and result["counted"] == result["expected_count"]
    result.update(storage=storage, cpus=os.cpu_count(), ok=ok, limits=args.limits and not args.url, payload="anonymous" if args.no_vote_id else "widget")
    if args.json:
        print(json.dumps(result))
    else:
        print_figures(result, storage)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
