"""Limits per client: in this process's memory (one instance: SQLite), or shared by every instance in
PostgreSQL (``sharedlimits``); no client address is ever stored with the events.

``MemoryLimits`` (and ``sharedlimits.PostgresLimits``, the same two coroutines) is what the service asks:
``request(client)`` for any request, ``event(client, event)`` for a vote, view or search (the rate limit
and the event's daily limit in one check). ``RateLimiter``: requests per client address per minute (token bucket). ``VoteLimiter``: votes per article
and language per client network per UTC day, against ballot stuffing (a script posting votes with a new
``vote_id`` each time). ``SearchLimiter``: searches per client network per UTC day, the same kind of limit,
and the rule that only the client address that reported a search may update it (its click).
"""
from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone


class RateLimiter:
    """Token bucket per client: ``per_minute`` requests, refilled continuously. 0 turns it off.

    Keys live only in memory (an IPv6 client is keyed by its /64, which it usually owns whole).
    """

    def __init__(self, per_minute: int, max_clients: int = 100_000):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}

    @staticmethod
    def key(client) -> str:
        host = client[0] if client else ""
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return host
        if ip.version == 6:
            if ip.ipv4_mapped is not None:
                return str(ip.ipv4_mapped)
            return str(ipaddress.ip_network(f"{ip}/64", strict=False))
        return str(ip)

    def check_client(self, client) -> float:
        """``check`` for an ASGI ``scope["client"]``."""
        return self.check(self.key(client)) if self.capacity > 0 else 0.0

    def check(self, key: str, now: float | None = None) -> float:
        """0 when the request may proceed, else the number of seconds to wait."""
        if self.capacity <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.get(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            if len(self._buckets) > self.max_clients:
                self._prune(now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1 - tokens) / self.rate

    def _prune(self, now: float) -> None:
        full_after = self.capacity / self.rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}
        if len(self._buckets) > self.max_clients:     # still too many: forget the oldest half
            keep = sorted(self._buckets.items(), key=lambda kv: kv[1][1])[len(self._buckets) // 2:]
            self._buckets = dict(keep)


def network(client) -> str:
    """The network a client address belongs to, as one subscriber usually holds it: an IPv4 /24, an IPv6
    /48 (an IPv4-mapped IPv6 address counts as IPv4); anything else (a test client) as it is."""
    host = client[0] if client else ""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


class VoteLimiter:
    """At most ``per_day`` votes per article and language per client network (``network``) per UTC day;
    0 turns it off. The same vote reported again (its ``vote_id``: a comment added, a change of mind)
    does not count again. Per service instance, forgotten at midnight UTC and on restart; at most
    ``max_keys`` (network, article, language) entries are kept (the oldest quarter is forgotten beyond)."""

    def __init__(self, per_day: int, max_keys: int = 100_000):
        self.per_day = per_day
        self.max_keys = max_keys
        self._day: date | None = None
        self._seen: dict[tuple[str, int, str], list] = {}     # key -> [count, {vote_id, ...}]

    def check(self, client, article_id: int, lang: str, vote_id: str | None, now: datetime | None = None) -> float:
        """0 when the vote may be recorded (and count it), else the seconds until the limit resets."""
        if self.per_day <= 0:
            return 0.0
        now = now or datetime.now(timezone.utc)
        if now.date() != self._day:
            self._day, self._seen = now.date(), {}
        key = (network(client), article_id, lang)
        entry = self._seen.get(key)
        if entry is None:
            if len(self._seen) >= self.max_keys:
                for old in list(self._seen)[:self.max_keys // 4]:
                    del self._seen[old]
            entry = self._seen[key] = [0, set()]
        if vote_id is not None and vote_id in entry[1]:
            return 0.0
        if entry[0] >= self.per_day:
            return until_midnight(now)
        entry[0] += 1
        if vote_id is not None:
            entry[1].add(vote_id)
        return 0.0


class SearchLimiter:
    """Searches per client network per UTC day, and who may update a search.

    * at most ``per_day`` searches per client network (``network``) per UTC day; 0 turns the cap off. The
      same search reported again (its ``search_id``: the click after the settled search) is not counted
      again; beyond, 429 until midnight UTC, like the daily vote limit;
    * a search (``search_id``, ``lang``) may be reported again, and so replace the stored report, only by
      the client address (``RateLimiter.key``: IPv4 address, IPv6 /64) that first reported it, the same
      UTC day: the page that made it, in the reader's browser. Another address gets ``FOREIGN`` (refused);
      a ``search_id`` this instance does not know (reported before a restart, on another instance, the
      day before, or forgotten beyond ``max_keys``) is taken as a new search that may not replace anything
      (``NEW``: stored only if no report with that id exists).

    Per service instance, in memory only, forgotten at midnight UTC and on restart; at most ``max_keys``
    networks and as many searches are kept (the oldest quarter is forgotten beyond)."""

    NEW, UPDATE, FOREIGN = "new", "update", "foreign"

    def __init__(self, per_day: int, max_keys: int = 100_000):
        self.per_day = per_day
        self.max_keys = max_keys
        self._day: date | None = None
        self._counts: dict[str, int] = {}
        self._owners: dict[tuple[str, str], str] = {}       # (search_id, lang) -> client key

    @staticmethod
    def _bounded(table: dict, max_keys: int) -> None:
        if len(table) >= max_keys:
            for old in list(table)[:max(1, max_keys // 4)]:
                del table[old]

    def check(self, client, lang: str, search_id: str | None, now: datetime | None = None) -> tuple[str, float]:
        """(NEW | UPDATE | FOREIGN, 0), or (NEW, seconds until the cap resets) when the cap is reached; a
        NEW search is counted and, with a ``search_id``, owned by this client."""
        now = now or datetime.now(timezone.utc)
        if now.date() != self._day:
            self._day, self._counts, self._owners = now.date(), {}, {}
        who = RateLimiter.key(client)
        if search_id is not None:
            owner = self._owners.get((search_id, lang))
            if owner is not None:
                return (self.UPDATE if owner == who else self.FOREIGN), 0.0
        net = network(client)
        if self.per_day > 0:
            count = self._counts.get(net, 0)
            if count >= self.per_day:
                return self.NEW, until_midnight(now)
            if net not in self._counts:
                self._bounded(self._counts, self.max_keys)
            self._counts[net] = count + 1
        if search_id is not None:
            self._bounded(self._owners, self.max_keys)
            self._owners[(search_id, lang)] = who
        return self.NEW, 0.0


def until_midnight(now: datetime) -> float:
    """Seconds until the next UTC day (at least 1): a daily limit's Retry-After."""
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), timezone.utc)
    return max(1.0, (midnight - now).total_seconds())


@dataclass(frozen=True)
class Verdict:
    """The limits' answer for one event: ``rate`` seconds to wait (rate limit), else ``daily`` seconds to
    wait (the vote's or search's daily limit), else ``search``: NEW, UPDATE or FOREIGN (searches only)."""
    rate: float = 0.0
    daily: float = 0.0
    search: str = SearchLimiter.NEW


class MemoryLimits:
    """The limits of one instance, in its memory (SQLite: one instance)."""

    shared = False

    def __init__(self, rate_limit: int, votes_per_day: int, searches_per_day: int):
        self.rate = RateLimiter(rate_limit)
        self.votes = VoteLimiter(votes_per_day)
        self.searches = SearchLimiter(searches_per_day)

    async def request(self, client) -> float:
        return self.rate.check_client(client)

    async def event(self, client, event) -> Verdict:
        wait = self.rate.check_client(client)
        if wait:
            return Verdict(rate=wait)
        kind = type(event).__name__
        if kind == "Vote":
            return Verdict(daily=self.votes.check(client, event.article_id, event.lang, event.vote_id))
        if kind == "Search":
            verdict, wait = self.searches.check(client, event.lang, event.search_id)
            return Verdict(daily=wait, search=verdict)
        return Verdict()

    async def close(self) -> None:
        pass
