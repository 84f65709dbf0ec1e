"""``docs.py new`` and ``docs.py status``: scaffolding an article in both languages, and where every
article stands (publication status, translation state, review codes). The logic lives in ``helpcenter``
(scaffold, parity, support); ``status --stale/--diff/--snippets`` and ``translated`` are in ``cli.lifecycle``.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from cli import lifecycle
from sitebuild.build import project


def _print_problems(problems, out=None) -> None:
    out = out or sys.stdout
    for p in problems:
        print(str(p), file=out)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_status(args) -> int:
    from helpcenter.translation import parity
    from helpcenter import content
    cfg = project(Path(args.config).resolve())
    catalogue = content.load(cfg["docs"], cfg["languages"], cfg["default"], root=cfg["root"])
    special = lifecycle.status(args, cfg, catalogue)     # --stale, --diff FILE, --snippets
    if special is not None:
        return special
    rows = parity.status_rows(catalogue, cfg["root"], cfg["docs"])
    if args.incomplete:
        from helpcenter.pages import support
        rows = [r for r in rows if support.incomplete(r.review)]
    langs = list(cfg["languages"])
    if args.json:
        print(json.dumps([{"id": r.id, "path": r.path, "titles": r.titles, "publication": r.publication,
                           "publications": r.publications, "status": r.status, "review": r.review}
                          for r in rows], ensure_ascii=False, indent=1))
        return 0
    width = args.width
    head = ["id", "path"] + [f"{l} title" for l in langs] + ["publication", "status", "review"]
    table = [[str(r.id or ""), r.path] + [_cut(r.titles.get(l, "—"), width) for l in langs]
             + [r.publication_text, r.status, ", ".join(r.review)] for r in rows]
    widths = [max(len(x) for x in col) for col in zip(head, *table)]
    for line in [head, ["-" * w for w in widths]] + table:
        print("  ".join(x.ljust(w) for x, w in zip(line, widths)).rstrip())
    counts: dict[str, int] = {}
    for r in rows:
        for state in (r.status.split(", ") if r.status != "ok" else ["ok"]):
            counts[state.split()[0]] = counts.get(state.split()[0], 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    hidden = {k: sum(r.publication == k for r in rows) for k in ("draft", "unlisted")}
    if any(hidden.values()):        # not published (the translation states above count them too)
        summary += " (" + ", ".join(f"{n} {k}" for k, n in hidden.items() if n) + ")"
    what = "incomplete article(s)" if args.incomplete else "article(s)"
    print(f"\n{len(rows)} {what}: {summary}" if rows else f"\n0 {what}")
    if catalogue.problems:
        print(f"{len(catalogue.problems)} content problem(s): run 'python scripts/docs.py check'", file=sys.stderr)
    return 0


def _words(text: str | None) -> list[str]:
    return [w.strip() for w in (text or "").split(",") if w.strip()]


def cmd_new(args) -> int:
    from helpcenter import scaffold
    cfg = project(Path(args.config).resolve())
    default = cfg["default"]
    others = [l for l in cfg["languages"] if l != default]
    titles = {default: args.title, **{l: getattr(args, f"{l}_title", None) for l in others}}
    descriptions = {default: args.description, **{l: getattr(args, f"{l}_description", None) for l in others}}
    tags = {default: _words(args.tags), **{l: _words(getattr(args, f"{l}_tags", None)) for l in others}}
    try:
        related = [int(x) for x in _words(args.related)]
    except ValueError:
        print(f"--related: ids must be whole numbers separated by commas, not {args.related!r}", file=sys.stderr)
        return 2
    article, problems = scaffold.create(
        cfg["docs"], args.category, titles, descriptions, slug=args.slug, tags=tags, related=related,
        languages=cfg["languages"], default=default, root=cfg["root"],
        review=[] if args.complete else None)
    if problems:
        print("nothing was created:", file=sys.stderr)
        _print_problems(problems, sys.stderr)
        return 1
    print(f"created article {article.id} ({article.path}):")
    for lang, f in article.files.items():
        print(f"  {os.path.relpath(f, Path.cwd())}")
    print("next: write the body of both files (same '## Heading {#id}' sections), remove 'missing-content' "
          "from 'review' when done, preview with 'bash scripts/dev.sh serve', then run "
          "'python scripts/docs.py check'")
    return 0
