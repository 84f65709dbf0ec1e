"""Precompressed files: ``x.html.gz`` next to ``x.html``, so that nginx (``gzip_static on``) sends them as
they are instead of compressing every response again.

Written with ``mtime=0`` (the same bytes for the same file), only when smaller than the original, and
never over a ``.gz`` the build wrote itself (MkDocs' ``sitemap.xml.gz``).
"""
from __future__ import annotations

import gzip
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map")
MIN_SIZE = 256          # smaller files gain nothing worth a second file (nginx: gzip_min_length)


def _compress(path: Path) -> int:
    data = path.read_bytes()
    packed = gzip.compress(data, compresslevel=6, mtime=0)   # 9: 0.6 % smaller, 3x the time
    if len(packed) >= len(data):
        return 0
    path.with_name(path.name + ".gz").write_bytes(packed)
    return 1


def precompress(site: Path) -> int:
    """Write the ``.gz`` twin of every compressible file of ``site``; returns how many were written."""
    files = [p for p in site.rglob("*") if p.suffix in COMPRESSIBLE and p.is_file()
             and not p.with_name(p.name + ".gz").exists() and p.stat().st_size >= MIN_SIZE]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:   # zlib releases the GIL
        return sum(pool.map(_compress, files))
