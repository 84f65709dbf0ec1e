"""What readers type, as an attacker or a careless reader would send it: each disguise of a phone number, a
card, an IBAN or an e-mail address posted to POST /api/search of the real service (uvicorn subprocess),
then read back from the real database (SQLite and PostgreSQL): only placeholders are stored. Queries the
service can check are refused by the service (422 naming ``query``), never by the database; and no log
line, at any level, holds a query or a comment, even when the database refuses one."""
from __future__ import annotations

import sqlite3
import uuid

import httpx
import pytest

from feedback_support import postgres, start_service

FORMS = [
    # numbers, whatever joins their digit groups
    ("appeler 06/12/34/56/78", "appeler [number]"),
    ("carte 4970/1012/3456/7890", "carte [number]"),
    ("06 12 34 56 78", "[number]"),
    ("06_12_34_56_78", "[number]"),
    ("06,12,34", "[number]"),
    ("06:12:34:56:78", "[number]"),
    ("06\u201112\u201134\u201156\u201178", "[number]"),            # non-breaking hyphen
    ("06\u201312\u201334\u201356\u201378", "[number]"),            # en dash
    ("06\u201412\u201434\u201456\u201478", "[number]"),            # em dash
    ("06\u221212\u221234\u221256\u221278", "[number]"),            # minus sign
    ("06.12.34.56.78", "[number]"),
    ("06 - 12 - 34 - 56 - 78", "[number]"),
    ("06--12--34--56--78", "[number]"),
    ("06//12//34//56//78", "[number]"),
    ("06 // 12 // 34 // 56 // 78", "[number]"),
    ("+33 6 12 34 56 78", "[number]"),
    ("\uff10\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18", "[number]"),   # fullwidth digits (NFKC)
    ("06\u200b12\u200b34\u200b56\u200b78", "[number]"),            # zero-width spaces between
    # short numbers readers really search are kept
    ("2 offres", "2 offres"),
    ("API v2.1.0", "api v2.1.0"),
    ("TVA 10 %", "tva 10 %"),
    ("facture 2021", "facture 2021"),
    ("relance à 12:30", "relance à 12:30"),
    # e-mail addresses and their disguises
    ("jean.dupont@gmail.com", "[email]"),
    ("jean.dupont\uff20gmail.com", "[email]"),                     # fullwidth @ (NFKC)
    ("jean.dupont\ufe6bgmail.com", "[email]"),                     # small @ (NFKC)
    ("jean.dupont(at)gmail.com", "[email]"),
    ("jean.dupont (at) gmail.com", "[email]"),
    ("jean.dupont [at] gmail [dot] com", "[email]"),
    ("contact jean.dupont at gmail.com svp", "contact [email] svp"),
    ("jdupont at gmail dot com", "[email]"),
    ("jean.dupont @ gmail.com", "[email]"),
    ("jean.dupont%40gmail.com", "[email]"),
    ("jean.dupont&#64;gmail.com", "[email]"),
    ("jean.dupont arobase gmail.com", "[email]"),
    ("prix @ 20", "prix @ 20"),                                     # an "@" that is no address
    ("look at invoice.pdf", "look at invoice.pdf"),                 # " at " that is no address
    # IBANs, with or without spaces, any case: nothing of them is left
    ("IBAN FR76 3000 6000 0112 3456 7890 189", "iban [iban]"),
    ("fr7630006000011234567890189", "[iban]"),
    ("iban GB29 NWBK 6016 1331 9268 19 refusé", "iban [iban] refusé"),
]
SECRETS = ("dupont", "4970", "1012", "3456", "0612", "06 12", "34 56", "nwbk", "fr76", "gb29", "30006000")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def service(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"privacy-{request.param}")
    url = postgres().new_database() if request.param == "postgresql" else None
    with start_service(workdir, database_url=url, extra=["--log-level", "debug"]) as s:
        s.kind, s.database_url = request.param, url
        yield s


def stored_query(service, search_id: str) -> list[str]:
    if service.kind == "sqlite":
        with sqlite3.connect(f"file:{service.db}?mode=ro", uri=True) as conn:
            return [r[0] for r in conn.execute("SELECT query FROM searches WHERE search_id = ?", (search_id,))]
    import psycopg
    with psycopg.connect(service.database_url) as conn:
        return [r[0] for r in conn.execute("SELECT query FROM searches WHERE search_id = %s", (search_id,))]


def search(service, query, **extra) -> tuple[httpx.Response, str]:
    search_id = "privacy-" + uuid.uuid4().hex
    body = {"lang": "fr", "query": query, "results": 0, "search_id": search_id, **extra}
    return httpx.post(service.url("/api/search"), json=body, timeout=30), search_id


@pytest.mark.parametrize("typed,kept", FORMS, ids=[f"{n:02d}" for n in range(len(FORMS))])
def test_each_form_is_stored_scrubbed(service, typed, kept):
    r, search_id = search(service, typed)
    assert r.status_code == 201, r.text
    assert stored_query(service, search_id) == [kept]
    assert not [s for s in SECRETS if s in kept.replace(" ", "") or s in kept]


@pytest.mark.parametrize("query,message", [
    ("\u200b\u200c\u200d\u2060\ufeff", "query: is empty once invisible characters"),          # only invisible
    ("\u200b \u2066 \u200b", "query: is empty once invisible characters"),
    ("\ufdfa" * 12, "query: too long once normalised (Unicode NFKC expands some characters): at most 200 "
                    "characters (got 216)"),                                                  # 12 -> 216
    ("\u3300" * 60, "query: too long once normalised"),                                       # ㌀ -> アパート
])
def test_a_query_the_service_can_check_is_refused_by_it_naming_the_field(service, query, message):
    r, search_id = search(service, query)
    assert r.status_code == 422, r.text
    assert message in r.json()["error"] and "database" not in r.json()["error"]
    assert [d["field"] for d in r.json()["details"]] == ["query"]
    assert stored_query(service, search_id) == []
    log = service.log_text()
    assert "WARNING" not in log and "refused" not in log


def test_the_longest_query_that_fits_is_stored(service):
    r, search_id = search(service, "\ufdfa" * 11)                   # 198 characters once normalised
    assert r.status_code == 201
    assert len(stored_query(service, search_id)[0]) == 198
    r, search_id = search(service, "a@b " * 50)                      # 200 characters, 50 addresses
    assert r.status_code == 201 and stored_query(service, search_id) == [" ".join(["[email]"] * 50)]


def test_no_log_line_holds_a_query_or_a_comment_even_when_the_database_refuses_it(service):
    """The database is made to refuse some values (a constraint the service cannot know): the request fails
    alone (422), and the log says why without the value, at every level (the service runs with debug)."""
    marker = "zqxmarker"
    if service.kind == "sqlite":
        with sqlite3.connect(service.db) as conn:
            for table, column in (("searches", "query"), ("votes", "comment")):
                conn.execute(f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} "
                             f"WHEN NEW.{column} LIKE '%{marker}%' BEGIN SELECT RAISE(ABORT, 'refused by test'); END")
    else:
        import psycopg
        with psycopg.connect(service.database_url, autocommit=True) as conn:
            conn.execute(f"ALTER TABLE searches ADD CONSTRAINT refuse_marker CHECK (query NOT LIKE '%{marker}%')")
            conn.execute(f"ALTER TABLE votes ADD CONSTRAINT refuse_marker CHECK (comment NOT LIKE '%{marker}%')")
    query = f"résilier {marker} abonnement chez durand-secret"
    comment = f"Mon {marker} commentaire très-personnel"
    r, search_id = search(service, query)
    assert r.status_code == 422 and "database refused" in r.json()["error"]
    vote = httpx.post(service.url("/api/feedback"), json={"id": 1, "lang": "fr", "value": "no", "comment": comment})
    assert vote.status_code == 422
    ok, ok_id = search(service, "durand-visible résiliation")       # a stored query, also never logged
    assert ok.status_code == 201
    assert httpx.post(service.url("/api/feedback"),
                      json={"id": 1, "lang": "fr", "value": "no", "comment": "bravo-visible"}).status_code == 201
    log = service.log_text()
    assert "refused the batch" in log                                 # the refusal is logged, without values
    for secret in (marker, "durand", "secret", "personnel", "commentaire", "résili", "bravo", "visible"):
        assert secret not in log.lower(), (secret, log)
