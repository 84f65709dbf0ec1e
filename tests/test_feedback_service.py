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
