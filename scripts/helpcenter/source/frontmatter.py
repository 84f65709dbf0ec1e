"""Front matter: read it with line numbers, and check it against one schema per kind of page.

Kinds: ``article`` (any Markdown file but index.md), ``category`` (a folder's index.md) and
``home`` (the language's top index.md). The schema is documented in the README.
"""
from __future__ import annotations

import json
import re
import reprlib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Callable

import yaml

from helpcenter.source.problems import Problem

FENCE = "---"
DESCRIPTION_MIN, DESCRIPTION_MAX = 30, 170
TITLE_MAX = 120
REVIEW_CODES = ("missing-steps", "missing-content", "suggested-title", "probable-category")
ALIAS_RE = re.compile(r"^/?[a-z0-9][a-z0-9._/-]*\.md$")   # a leading /: from the site root
STATUSES = ("published", "draft", "unlisted")
COMMIT_RE = re.compile(r"^[0-9a-f]{7,40}$")


def today() -> date:
    return datetime.now(timezone.utc).date()


def parse_date(v) -> date | None:
    """A ``YYYY-MM-DD`` front-matter value as a date (None when it is not one)."""
    if not isinstance(v, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v.strip()):
        return None
    try:
        return date.fromisoformat(v.strip())
    except ValueError:
        return None


@dataclass
class FrontMatter:
    meta: dict[str, Any]
    lines: dict[str, int]          # key -> 1-based line of the key in the file
    body: str
    body_line: int                 # 1-based line where the body starts
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


def parse(text: str, file: str) -> FrontMatter:
    """Split a Markdown file into front matter and body. Never raises: problems are collected."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        return FrontMatter({}, {}, text, 1, [Problem(
            file, 1, "no front matter", "start the file with a '---' line, the YAML keys, and '---'")])
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
    if end is None:
        return FrontMatter({}, {}, text, 1, [Problem(
            file, 1, "front matter is not closed", "add a '---' line after the YAML keys")])
    yaml_text = "".join(lines[1:end])
    body = "".join(lines[end + 1:])
    alias = _first_alias(yaml_text)
    if alias is not None:
        line, what = alias
        return FrontMatter({}, {}, body, end + 2, [Problem(
            file, line + 2, f"YAML anchor or alias ({shown(what, 40)}) in front matter",
            "write each value out in full: anchors (&name) and aliases (*name) are not allowed")])
    try:
        node, meta = _load(yaml_text)
    except yaml.YAMLError as exc:
        line, message, hint = explain_yaml_error(exc, lines[1:end])
        return FrontMatter({}, {}, body, end + 2, [Problem(
            file, line, f"malformed YAML in front matter: {shown(message, 200)}", hint)])
    if meta is None:
        meta, node = {}, None
    if not isinstance(meta, dict):
        return FrontMatter({}, {}, body, end + 2, [Problem(
            file, 2, "front matter must be a mapping of 'key: value' lines", "write one 'key: value' per line")])
    key_lines = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            key_lines[str(key_node.value)] = key_node.start_mark.line + 2
    return FrontMatter(meta, key_lines, body, end + 2)


_QUOTE_OPENED = re.compile(r"""^\s*(?:- |[\w-]+:\s+(?:- )?)(["'])""")


def _unclosed_quote(line: str) -> str | None:
    """The quote character a value opens on this line without closing it, if any."""
    m = _QUOTE_OPENED.match(line)
    if not m:
        return None
    quote, rest = m.group(1), line[m.end():].rstrip("\n")
    if quote == '"':
        rest = re.sub(r'\\.', "", rest)
        return None if '"' in rest else quote
    return None if "'" in rest.replace("''", "") else quote


def explain_yaml_error(exc: yaml.YAMLError, yaml_lines: list[str]) -> tuple[int, str, str]:
    """(file line, message, fix) in a writer's words for a YAML error of the front matter whose lines
    (without the '---' fences) are ``yaml_lines``; the file line counts the opening fence."""
    problem_mark = getattr(exc, "problem_mark", None)
    mark = problem_mark or getattr(exc, "context_mark", None)
    last = problem_mark.line if problem_mark else len(yaml_lines) - 1
    # A quote left open swallows the next lines: the parser stops later, the mistake is where it opened.
    for i, text in enumerate(yaml_lines[: last + 1]):
        quote = _unclosed_quote(text)
        if quote:
            key = text.split(":", 1)[0].strip()
            return i + 2, f"the value of '{key}' opens a quote ({quote}) that is not closed on its line", \
                f"end the value with {quote} on the same line, e.g. {key}: {quote}…{quote}"
    line = mark.line + 2 if mark else 1
    problem = (getattr(exc, "problem", None) or str(exc).splitlines()[0]).strip()
    context = (getattr(exc, "context", None) or "").strip()
    here = yaml_lines[line - 2] if 2 <= line < len(yaml_lines) + 2 else ""
    if here[:1] in (" ", "\t") and not here.lstrip().startswith("- ") and "\t" not in here[:1]:
        return line, "this line is indented, but it is neither a list item nor part of the key above", \
            "start the key at the beginning of the line (no spaces before it)"
    if "mapping values are not allowed" in problem:
        return line, "a value contains ': ' but is not in quotes", \
            'put the whole value in double quotes, e.g. title: "Facturation : les réglages"'
    if "tab" in problem or "'\\t'" in problem:
        return line, "a tab character is used where YAML needs spaces", "indent with spaces, never tabs"
    if "flow sequence" in context or "',' or ']'" in problem:
        return (context_line(exc) or line), "a list in [ ] is not closed on its line", \
            "close the list with ']' on the same line, e.g. tags: [a, b]"
    if "block" in context or "expected key" in problem or "block end" in problem:
        return line, "this line is not a 'key: value' line at the indentation of the others", \
            "start each key at the beginning of its line and quote values that contain ':' or '#'"
    return line, f"the YAML parser says: {problem}" + (f" ({context})" if context else ""), \
        "check indentation and quote values that contain ':' or '#'"


def context_line(exc: yaml.YAMLError) -> int | None:
    mark = getattr(exc, "context_mark", None)
    return mark.line + 2 if mark else None


def _load(yaml_text: str):
    """(node, value) in one pass: the node gives each key's line, the value the data."""
    loader = _Loader(yaml_text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):   # libyaml when available: same data, faster
    """Dates stay text (``reviewed: 2026-13-01`` must be a clear problem, not a crash): checked by the schema."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_str)


def _first_alias(yaml_text: str) -> tuple[int, str] | None:
    """(0-based line, '&name' or '*name') of the first anchor or alias, or None. Aliases are refused:
    a few hundred bytes of nested aliases expand into billions of values ("billion laughs")."""
    if "&" not in yaml_text and "*" not in yaml_text:
        return None                     # the usual case: no second pass over the text
    try:
        for event in yaml.parse(yaml_text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark.line, f"*{event.anchor}"
            if getattr(event, "anchor", None):
                return event.start_mark.line, f"&{event.anchor}"
    except yaml.YAMLError:
        return None                     # reported by the normal reading
    return None


_repr = reprlib.Repr()
_repr.maxstring, _repr.maxother, _repr.maxlist, _repr.maxdict, _repr.maxlevel = 60, 60, 5, 5, 2


def shown(value: Any, limit: int = 80) -> str:
    """A value as quoted in an error message: bounded in length and depth, whatever its size."""
    text = value if isinstance(value, str) else _repr.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- schema ---------------------------------------------------------------------------------

Check = Callable[[Any], str | None]   # returns an error message, or None when the value is fine


def _int(minimum: int) -> Check:
    def check(v):
        if isinstance(v, bool) or not isinstance(v, int):
            return f"must be a whole number, not {type(v).__name__} {shown(_repr.repr(v))}"
        if v < minimum:
            return f"must be ≥ {minimum}, not {shown(_repr.repr(v))}"
        return None
    return check


def _text(min_len: int, max_len: int) -> Check:
    def check(v):
        if not isinstance(v, str):
            return f"must be text, not {type(v).__name__}"
        n = len(v.strip())
        if n < min_len:
            return "is empty" if n == 0 else f"is too short ({n} characters, at least {min_len})"
        if n > max_len:
            return f"is too long ({n} characters, at most {max_len})"
        return None
    return check


def _list_of(item: Check, what: str, unique: bool = True) -> Check:
    def check(v):
        if not isinstance(v, list):
            return f"must be a list like [a, b], not {type(v).__name__}"
        for x in v:
            err = item(x)
            if err:
                return f"item {shown(_repr.repr(x))} {err} ({what})"
        if unique and len(set(map(repr, v))) != len(v):
            return "has duplicate items"
        return None
    return check


def _one_of(choices: tuple[str, ...]) -> Check:
    def check(v):
        return None if v in choices else f"must be one of {', '.join(choices)}"
    return check


def _past_date(v):
    d = parse_date(v)
    if d is None:
        return f"must be a date written YYYY-MM-DD (e.g. {today().isoformat()}), not {v!r}"
    if d > today():
        return f"is in the future ({d.isoformat()}; today is {today().isoformat()})"
    return None


def _commit(v):
    if not isinstance(v, str) or not COMMIT_RE.match(v):
        return "must be a git commit id (7 to 40 hexadecimal digits), written by 'scripts/docs.py translated'"
    return None


def _alias(v):
    if not isinstance(v, str) or not ALIAS_RE.match(v) or ".." in v:
        return ("must be an old path relative to the language folder, like settings/old-name.md, or from the "
                "site root with a leading '/', like /assistance/old-name.md")
    return None


@dataclass(frozen=True)
class Field:
    check: Check
    required: bool
    doc: str


SCHEMAS: dict[str, dict[str, Field]] = {
    "article": {
        "id": Field(_int(1), True, "stable integer, identical in both languages, unique"),
        "title": Field(_text(3, TITLE_MAX), True, "the question or subject, as readers search it"),
        "description": Field(_text(DESCRIPTION_MIN, DESCRIPTION_MAX), True,
                             f"one sentence ({DESCRIPTION_MIN}-{DESCRIPTION_MAX} characters) for listings and <meta>"),
        "related": Field(_list_of(_int(1), "article ids"), False, "ids of related articles, shown first, in order"),
        "tags": Field(_list_of(_text(2, 40), "short words"), False, "short keywords, used to rank related articles"),
        "keywords": Field(_list_of(_text(2, 80), "words or questions"), False,
                          "what readers type for this article that its text does not say (searched, never shown)"),
        "weight": Field(_int(0), False, "popularity when no statistics exist (e.g. view counts)"),
        "review": Field(_list_of(_one_of(REVIEW_CODES), "review codes"), False,
                        "what is left to complete: " + ", ".join(REVIEW_CODES)),
        "aliases": Field(_list_of(_alias, "old paths"), False, "old paths of this article; they redirect here"),
        "reviewed": Field(_past_date, False, "date of the last review of the content, YYYY-MM-DD (not in the future)"),
        "owner": Field(_text(2, 80), False, "who keeps this article right: a name or a team"),
        "status": Field(_one_of(STATUSES), False,
                        "published (default), draft (not built) or unlisted (built, reachable by URL only)"),
        "source": Field(_commit, False, "translations only: the source's commit this translation matches "
                                        "(set by 'scripts/docs.py translated')"),
    },
    "category": {
        "title": Field(_text(2, 60), True, "category name"),
        "description": Field(_text(DESCRIPTION_MIN, DESCRIPTION_MAX), True, "one sentence shown under the name"),
    },
    "home": {
        "title": Field(_text(2, 60), True, "home page title"),
        "description": Field(_text(DESCRIPTION_MIN, DESCRIPTION_MAX), True, "meta description of the home page"),
        "template": Field(_one_of(("home.html",)), True, "always home.html"),
    },
}


def validate(fm: FrontMatter, kind: str, file: str) -> list[Problem]:
    """Every problem of this front matter against the schema of its kind."""
    problems = list(fm.problems)
    if fm.problems:
        return problems
    schema = SCHEMAS[kind]
    for key in fm.meta:
        if key not in schema:
            problems.append(Problem(file, fm.line_of(key), f"unknown front-matter key '{shown(str(key), 60)}' in {kind}",
                                    f"use only: {', '.join(schema)}"))
    for key, spec in schema.items():
        if key not in fm.meta or fm.meta[key] is None:
            if spec.required:
                problems.append(Problem(file, fm.line_of(key) if key in fm.meta else 2,
                                        f"missing required front-matter key '{key}'", f"add '{key}:' ({spec.doc})"))
            continue
        err = spec.check(fm.meta[key])
        if err:
            problems.append(Problem(file, fm.line_of(key), f"'{key}' {err}", spec.doc))
    return problems


# --- writing -------------------------------------------------------------------------------------

_PLAIN = re.compile(r"^[^\W\d_][\w-]*(?: [\w-]+)*$")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)      # libyaml when present: the importer writes thousands


def _scalar(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False)       # a JSON string is a YAML double-quoted scalar


def _item(value) -> str:
    """A list item: bare when it is a plain word or phrase YAML reads back as that text (not ``yes``)."""
    if isinstance(value, str) and _PLAIN.match(value) and yaml.load(value, Loader=_LOADER) == value:
        return value
    return _scalar(value)


def dump(meta: dict) -> str:
    """Front matter in the house style (double-quoted texts, ``[a, b]`` lists), between its ``---``
    lines; ValueError when it would not read back as ``meta`` (nothing unsafe is ever written)."""
    lines = ["---"]
    for key, value in meta.items():
        if isinstance(value, list):
            lines.append(f"{key}: [{', '.join(_item(v) for v in value)}]")
        else:
            lines.append(f"{key}: {_scalar(value)}")
    lines.append("---")
    if yaml.load("\n".join(lines[1:-1]), Loader=_LOADER) != meta:
        raise ValueError(f"front matter does not read back as written: {meta!r}")
    return "\n".join(lines)
