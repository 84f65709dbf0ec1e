"""The real service (uvicorn subprocess) when its storage or its clients misbehave: the SQLite file deleted
or replaced while it runs, and clients that open connections and never finish their requests."""
from __future__ import annotations

import os
import sqlite3
import time

import httpx
import pytest

from feedback_support import service_factory  # noqa: F401  (fixture)

VOTE = {"id": 1, "lang": "fr", "value": "yes"}


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_deleted_database_file_stops_the_acknowledgements_and_nothing_is_lost(service_factory, tmp_path, how):
    service = service_factory(tmp_path)
    db = service.db
    for n in range(3):
        assert httpx.post(service.url("/api/feedback"), json={**VOTE, "comment": f"vote {n}"}).status_code == 201
    if how == "deleted":                             # e.g. `git clean -fdx` or a redeploy of the folder
        for path in db.parent.glob(db.name + "*"):
            path.unlink()
    else:                                             # another file put in its place
        other = tmp_path / "other.sqlite3"
        sqlite3.connect(other).close()
        os.replace(other, db)
    r = httpx.post(service.url("/api/feedback"), json=VOTE)
    assert r.status_code == 503 and "nothing was recorded" in r.json()["error"]
    assert httpx.post(service.url("/api/view"), json={"id": 1, "lang": "fr"}).status_code == 503
    health = httpx.get(service.url("/api/health"))
    assert health.status_code == 503
    assert health.json()["ok"] is False
    assert health.json()["storage"] == "the database file was deleted or replaced while the service ran"
    log = service.log_text()
    assert f"{db}: the database file was deleted or replaced while the service ran" in log
    assert "no vote is acknowledged any more (503)" in log
    # the votes acknowledged before were copied beside the file, from the service's still-open connection
    [orphan] = db.parent.glob(db.name + ".orphaned-*")
    assert str(orphan) in log
    with sqlite3.connect(orphan) as conn:
        assert sorted(r[0] for r in conn.execute("SELECT comment FROM votes")) == ["vote 0", "vote 1", "vote 2"]


def _half_open(port: int, n: int) -> list:
    """n connections that send the start of a request and never finish it."""
    import socket
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"POST /api/feedback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n")
        socks.append(s)
    return socks


def test_half_open_connections_beyond_the_cap_do_not_stop_the_service(service_factory, tmp_path):
    """One client opens more never-finished connections than the service's file-descriptor limit allows:
    the oldest are closed to make room (cap), the others when their read deadline passes."""
    service = service_factory(tmp_path, prefix=["prlimit", "--nofile=256:256", "--"],
                              extra=["--read-timeout", "3"])
    assert "at most 96 connections, 3 s per request" in service.log_text()     # (256 - 64) // 2
    socks = _half_open(service.port, 400)
    try:
        started = time.monotonic()
        for _ in range(5):
            health = httpx.get(service.url("/api/health"), timeout=1)           # each within 1 s
            assert health.status_code == 200 and health.json()["ok"] is True
        assert httpx.post(service.url("/api/feedback"), json=VOTE, timeout=1).status_code == 201
        assert time.monotonic() - started < 5
        # the connections still held are closed by the read deadline
        latest = socks[-20:]
        deadline = time.monotonic() + 15
        for s in latest:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                assert s.recv(100) == b""
            except ConnectionResetError:
                pass
        assert time.monotonic() - started >= 2.5                                 # not before the deadline
    finally:
        for s in socks:
            s.close()
    assert httpx.get(service.url("/api/health"), timeout=1).status_code == 200


def test_a_body_that_never_ends_is_cut_by_the_read_deadline(service_factory, tmp_path):
    import socket
    service = service_factory(tmp_path, extra=["--read-timeout", "2"])
    s = socket.create_connection(("127.0.0.1", service.port))
    s.sendall(b"POST /api/feedback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              b"Content-Length: 60\r\n\r\n{\"id\": 1, ")
    s.settimeout(15)
    started = time.monotonic()
    try:
        assert s.recv(100) == b""                      # closed, nothing stored
    except ConnectionResetError:
        pass
    finally:
        s.close()
    assert time.monotonic() - started >= 1.5
    assert httpx.get(service.url("/api/feedback/summary")).json()["articles"][0]["yes"] == 0
    assert "Traceback" not in service.log_text()


def _lower_nofile(limit: int):
    def lower():
        import resource
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
    return lower


def test_running_out_of_file_descriptors_logs_one_line_per_interval_not_a_traceback_per_connection(
        service_factory, tmp_path):
    """A cap above what the file-descriptor limit allows (the same happens, now and then, with churn at the
    cap): accepting fails again and again. Python's loop alone logged a traceback for each connection
    waiting in the backlog; the service logs one line per 10 s with a count, and goes on answering."""
    import re
    import socket
    service = service_factory(tmp_path, preexec_fn=_lower_nofile(128),
                              extra=["--max-connections", "400", "--read-timeout", "2"])
    socks, started = [], time.monotonic()
    try:
        while time.monotonic() - started < 12:               # connections that never finish, over 12 s
            for _ in range(50):
                try:
                    s = socket.create_connection(("127.0.0.1", service.port), timeout=0.5)
                    s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    socks.append(s)
                except OSError:
                    break
            time.sleep(0.5)
    finally:
        for s in socks:
            s.close()
    elapsed = time.monotonic() - started
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:                        # the descriptors come back: it answers
        try:
            if httpx.get(service.url("/api/health"), timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        pytest.fail("the service did not answer again")
    log = service.log_text()
    lines = [line for line in log.splitlines() if "cannot accept new connections" in line]
    assert 1 <= len(lines) <= 1 + elapsed // 10 + 1, log[-3000:]
    assert "Too many open files; 128 file descriptors at most" in lines[0]
    counts = [int(re.search(r"accepting failed (\d+) time", line).group(1)) for line in lines]
    assert all(n >= 1 for n in counts) and (len(lines) == 1 or sum(counts) > len(lines)), lines
    assert "Traceback" not in log and "socket.accept() out of system resource" not in log
    assert len(log.splitlines()) <= 2 + len(lines), log[-3000:]          # the start line, these lines
