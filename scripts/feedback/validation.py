"""Validation of request bodies: every field is checked, every problem is named, nothing is guessed.

``parse_body`` turns (Content-Type, raw bytes) into a JSON object; ``validate_vote``, ``validate_view``
and ``validate_search`` turn that object into a storage event or raise ``Invalid`` with the HTTP status, a
one-line message and the list of field problems. Messages never include request values except
truncated field names, and they are only ever sent as JSON.
"""
from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime, timezone

from .catalogue import Catalogue
from .queries import MAX_QUERY, MAX_STORED_QUERY, normalise, scrub
from .storage import REASONS, Search, View, Vote

MAX_BODY = 8192        # bytes: the largest valid vote, every field at its limit in 4-byte characters (emoji), is ~5.4 KB
MAX_COMMENT = 500      # characters
MAX_URL = 500
MAX_TITLE = 300
MAX_ID = 2**31 - 1

VOTE_FIELDS = {"id", "lang", "value", "comment", "url", "title", "vote_id", "reason"}
VOTE_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
VIEW_FIELDS = {"id", "lang", "url", "title"}
SEARCH_FIELDS = {"lang", "query", "results", "clicked_id", "search_id"}
MAX_RESULTS = 100_000
VALUES = ("yes", "no")
ALLOWED_CONTROLS = frozenset("\n\r\t")


class Invalid(Exception):
    """A request that is refused: HTTP status, one-line message, and [{"field", "message"}]."""

    def __init__(self, status: int, message: str, details: list[dict] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or []

    def body(self) -> dict:
        out = {"error": self.message}
        if self.details:
            out["details"] = self.details
        return out


def _short(name: str, limit: int = 40) -> str:
    name = "".join(c if c.isprintable() else "?" for c in name)
    return name if len(name) <= limit else name[:limit] + "…"


def check_content_type(content_type: str | None) -> None:
    media, _, params = (content_type or "").partition(";")
    if media.strip().lower() != "application/json":
        raise Invalid(415, "Content-Type must be application/json")
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise Invalid(415, "the body must be encoded in UTF-8 (charset=utf-8)")


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _no_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate key {_short(key)!r}")
        obj[key] = value
    return obj


def parse_json(body: bytes) -> dict:
    if len(body) > MAX_BODY:
        raise Invalid(413, f"body too large: at most {MAX_BODY} bytes")
    if not body.strip():
        raise Invalid(400, "empty body: expected a JSON object")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid(400, "the body is not valid UTF-8") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise Invalid(400, f"the body is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except ValueError as exc:
        raise Invalid(400, f"the body is not valid JSON ({exc})") from None
    except RecursionError:
        raise Invalid(400, "the body is not valid JSON (nested too deeply)") from None
    if not isinstance(data, dict):
        raise Invalid(422, "expected a JSON object")
    return data


def parse_body(content_type: str | None, body: bytes) -> dict:
    check_content_type(content_type)
    return parse_json(body)


def _type_name(value) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "text",
            list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def _not_utf8(value: str) -> bool:
    """True for text that cannot be stored: an unpaired UTF-16 surrogate (JSON "\\ud800") is valid JSON
    but not encodable as UTF-8 (the database would refuse it)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


NOT_UTF8 = "contains an unpaired surrogate (\\ud800-\\udfff): not text that can be encoded as UTF-8"


def _check_common(data: dict, allowed: set[str], required: tuple[str, ...], catalogue: Catalogue,
                  problems: list[dict]) -> None:
    def problem(field: str, message: str):
        problems.append({"field": field, "message": message})

    for field in required:
        if field not in data:
            problem(field, "is required")
    unknown = sorted(k for k in data if k not in allowed)
    for k in unknown:
        problem(_short(k), "unknown field")

    lang, lang_ok = data.get("lang"), False
    if "lang" in data:
        if not isinstance(lang, str):
            problem("lang", f"must be text, one of {', '.join(catalogue.languages)}; not {_type_name(lang)}")
        elif lang not in catalogue.languages:
            problem("lang", f"unknown language; expected one of {', '.join(catalogue.languages)}")
        else:
            lang_ok = True
    id_field = "id" if "id" in allowed else "clicked_id"      # the article a vote, a view or a search is about
    art_id = data.get(id_field)
    if art_id is not None or (id_field == "id" and "id" in data):
        if isinstance(art_id, bool) or not isinstance(art_id, int):
            problem(id_field, f"must be a whole number (article id), not {_type_name(art_id)}")
        elif not 1 <= art_id <= MAX_ID:
            problem(id_field, "must be an article id ≥ 1")
        elif lang_ok and catalogue.get(art_id, lang) is None:
            problem(id_field, f"unknown article: no article {art_id} in language {lang!r}")
    for field, limit in (("url", MAX_URL), ("title", MAX_TITLE)):
        if field in data and field in allowed:
            _check_text(data[field], field, limit, problems)


def _check_text(value, field: str, limit: int, problems: list[dict], controls: frozenset | None = None,
                trimmed: bool = False) -> None:
    """One text field: text, at most ``limit`` characters (after trimming when ``trimmed``, then also not
    empty), control characters refused except ``controls`` (None: not checked), encodable as UTF-8."""
    measured = value.strip() if trimmed and isinstance(value, str) else value
    if not isinstance(value, str):
        message = f"must be text, not {_type_name(value)}"
    elif trimmed and not measured:
        message = "is empty"
    elif len(measured) > limit:
        message = f"too long: at most {limit} characters (got {len(measured)})"
    elif controls is not None and any(unicodedata.category(c) == "Cc" and c not in controls for c in value):
        message = "contains control characters"
    elif _not_utf8(value):
        message = NOT_UTF8
    else:
        return
    problems.append({"field": field, "message": message})


def _check_random_id(data: dict, field: str, problems: list[dict]) -> None:
    """vote_id, search_id: the widget's random id, or null."""
    value = data.get(field)
    if value is not None and not (isinstance(value, str) and VOTE_ID.fullmatch(value)):
        problems.append({"field": field, "message": "must be 8 to 64 letters, digits, '-' or '_'"})


def _raise(problems: list[dict]) -> None:
    if problems:
        summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        raise Invalid(422, f"invalid request: {summary}", problems)


def validate_vote(data: dict, catalogue: Catalogue, now: datetime | None = None) -> Vote:
    """{"id", "lang", "value": "yes"|"no", "comment"?, "url"?, "title"?, "vote_id"?, "reason"?} -> Vote (url and
    title are checked, not stored). ``vote_id`` is the random id the widget gives one reader's vote on one
    article: reporting it again (comment added, mind changed) replaces that vote instead of adding one.
    ``reason`` (one of ``storage.REASONS``, or null) says why a "no"."""
    problems: list[dict] = []
    _check_common(data, VOTE_FIELDS, ("id", "lang", "value"), catalogue, problems)
    value = data.get("value")
    if "value" in data and value not in VALUES:
        problems.append({"field": "value", "message": 'must be "yes" or "no"'})
    comment = data.get("comment")
    if comment is not None:
        _check_text(comment, "comment", MAX_COMMENT, problems, ALLOWED_CONTROLS)
    _check_random_id(data, "vote_id", problems)
    reason = data.get("reason")
    if reason is not None:
        if reason not in REASONS:
            problems.append({"field": "reason", "message": f"must be one of {', '.join(REASONS)} (or null)"})
        elif value != "no":
            problems.append({"field": "reason", "message": 'only a "no" vote carries a reason'})
    _raise(problems)
    comment = comment.strip() if isinstance(comment, str) else ""
    created = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    return Vote(data["id"], data["lang"], value, comment or None, created, data.get("vote_id"), reason)


def validate_view(data: dict, catalogue: Catalogue, now: datetime | None = None) -> View:
    """{"id", "lang", "url"?, "title"?} -> View."""
    problems: list[dict] = []
    _check_common(data, VIEW_FIELDS, ("id", "lang"), catalogue, problems)
    _raise(problems)
    return View(data["id"], data["lang"], (now or datetime.now(timezone.utc)).date())


def validate_search(data: dict, catalogue: Catalogue, now: datetime | None = None) -> Search:
    """{"lang", "query", "results", "clicked_id"?, "search_id"?} -> Search, its query already as stored
    (``queries.clean``: normalised, e-mail addresses, IBANs and long digit runs replaced): the query as typed
    goes no further. ``query``: 1 to 200 characters after trimming, no control characters, and still 1 to 200
    once normalised (not only invisible characters; NFKC can make it longer); ``results``: the
    number of results shown, 0 to 100,000; ``clicked_id``: the article opened from the results (or null);
    ``search_id``: the widget's random id, the same one again replaces that report."""
    problems: list[dict] = []
    _check_common(data, SEARCH_FIELDS, ("lang", "query", "results"), catalogue, problems)
    query, cleaned = data.get("query"), None
    if "query" in data:
        before = len(problems)
        _check_text(query, "query", MAX_QUERY, problems, frozenset(), trimmed=True)
        if len(problems) == before:
            cleaned = _clean_query(query, problems)
    results = data.get("results")
    if "results" in data:
        if isinstance(results, bool) or not isinstance(results, int):
            problems.append({"field": "results", "message": f"must be a whole number, not {_type_name(results)}"})
        elif not 0 <= results <= MAX_RESULTS:
            problems.append({"field": "results", "message": f"must be between 0 and {MAX_RESULTS}"})
    _check_random_id(data, "search_id", problems)
    _raise(problems)
    created = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    return Search(data["lang"], cleaned, results, data.get("clicked_id"), created, data.get("search_id"))


def _clean_query(query: str, problems: list[dict]) -> str | None:
    """The query as it will be stored (``queries``), or None with the problem named: checked here, so that
    the database never has to refuse it (its CHECK is 1 to MAX_STORED_QUERY characters)."""
    normalised = normalise(query)
    if not normalised:
        message = "is empty once invisible characters (zero-width spaces, joiners, bidi marks) are removed"
    elif len(normalised) > MAX_QUERY:
        message = (f"too long once normalised (Unicode NFKC expands some characters): at most {MAX_QUERY} "
                   f"characters (got {len(normalised)})")
    else:
        cleaned = scrub(normalised)
        if len(cleaned) <= MAX_STORED_QUERY:
            return cleaned
        message = f"too long once personal data is replaced by placeholders: at most {MAX_STORED_QUERY} characters"
    problems.append({"field": "query", "message": message})
    return None
