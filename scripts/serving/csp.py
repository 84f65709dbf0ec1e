"""The Content-Security-Policy of the built site: exactly what its pages use.

- scripts: the site's own files, plus the SHA-256 hash of each distinct inline script of the pages
  (Material's small bootstrap scripts, the language fix-up of the search configuration); JSON data blocks
  (``application/ld+json``, ``application/json``) are not scripts and need nothing;
- other hosts: any ``<script src>``, stylesheet, image or frame loaded from another origin, and an
  absolute feedback endpoint (``data-endpoint``), are added to the directive that governs them;
- everything else is refused (``default-src 'none'``), framing included (``frame-ancestors 'none'``).

Redirect stubs (mkdocs-redirects' pages, which carry an inline script) are skipped: the web server answers
those URLs with a real redirect, so they are never served.
"""
from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_SRC = re.compile(r"""\bsrc\s*=""", re.I)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript",
             "application/ecmascript"}
# external resources by the directive that governs them
_EXTERNAL = {
    "script-src": re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["'](https?://[^"'/]+)""", re.I),
    "style-src": re.compile(r"""<link\b[^>]*\brel\s*=\s*["']?stylesheet[^>]*\bhref\s*=\s*["'](https?://[^"'/]+)"""
                            r"""|<link\b[^>]*\bhref\s*=\s*["'](https?://[^"'/]+)[^>]*\brel\s*=\s*["']?stylesheet""",
                            re.I),
    "img-src": re.compile(r"""<img\b[^>]*\bsrc\s*=\s*["'](https?://[^"'/]+)""", re.I),
    "frame-src": re.compile(r"""<iframe\b[^>]*\bsrc\s*=\s*["'](https?://[^"'/]+)""", re.I),
    "connect-src": re.compile(r"""\bdata-(?:[a-z]+-)*endpoint\s*=\s*["'](https?://[^"'/]+)""", re.I),
}
BASE = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],        # Material's icons are data: URIs in its stylesheet
    "font-src": ["'self'"],
    "connect-src": ["'self'"],             # search index, the collector under /api/
    "worker-src": ["'self'"],              # Material's search worker
    "manifest-src": ["'self'"],
    "frame-src": [],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def script_hash(source: str) -> str:
    """CSP source of an inline script, hashed as the browser does (its text, new lines normalised)."""
    digest = hashlib.sha256(source.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def scan(pages) -> tuple[list[str], dict[str, set[str]]]:
    """(hashes of the inline scripts, {directive: other origins}) of HTML texts."""
    hashes: dict[str, None] = {}
    external: dict[str, set[str]] = {d: set() for d in _EXTERNAL}
    for html in pages:
        for m in _SCRIPT.finditer(html):
            attrs, body = m.group(1), m.group(2)
            if _SRC.search(attrs):
                continue
            kind = _TYPE.search(attrs)
            if (kind.group(1).lower() if kind else "") in _JS_TYPES:
                hashes.setdefault(script_hash(body))
        for directive, pattern in _EXTERNAL.items():
            for m in pattern.finditer(html):
                external[directive].add(next(g for g in m.groups() if g).lower())
    return list(hashes), external


def html_files(site: Path, skip: set[Path] = frozenset()):
    for path in sorted(site.rglob("*.html")):
        if path not in skip:
            yield path.read_text(encoding="utf-8", errors="replace")


def policy(site: Path, redirect_sources: set[Path] = frozenset()) -> str:
    """The Content-Security-Policy header value for the pages of ``site``."""
    hashes, external = scan(html_files(site, redirect_sources))
    directives = {k: list(v) for k, v in BASE.items()}
    directives["script-src"] += sorted(hashes)
    for directive, origins in external.items():
        directives[directive] += sorted(origins)
    return "; ".join(f"{k} {' '.join(v)}" for k, v in directives.items() if v)

