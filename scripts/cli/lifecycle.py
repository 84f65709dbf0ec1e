"""The content-lifecycle part of the writers' command line (scripts/docs.py imports it):

    python scripts/docs.py status --stale                 articles due for a review, oldest first, with owner
    python scripts/docs.py status --diff docs/en/x.md     French changes since the version the translation matches
    python scripts/docs.py status --snippets              shared snippets and where each is used
    python scripts/docs.py translated docs/en/x.md        record that the translation matches its current source

The logic lives in scripts/helpcenter/ (history, review, translated, snippets); this only prints.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from sitebuild.build import project


def add_arguments(status_parser, sub, default_config: str) -> None:
    """``status``'s lifecycle options and the ``translated`` command."""
    group = status_parser.add_mutually_exclusive_group()
    group.add_argument("--stale", action="store_true",
                       help="articles whose last review (or update) is older than extra.kb.review_after_days")
    group.add_argument("--diff", metavar="TRANSLATION",
                       help="the source's changes since the version this translation matches (docs/en/...md)")
    group.add_argument("--snippets", action="store_true", help="shared snippets of each language and where they are used")
    p = sub.add_parser("translated", help="record that a translation matches its source's current version "
                                          "(clears 'outdated' until the source changes again)")
    p.add_argument("files", nargs="+", metavar="TRANSLATION", help="e.g. docs/en/settings/x.md")
    p.add_argument("--config", default=default_config)
    p.set_defaults(func=cmd_translated)


def _docs_rel(cfg: dict) -> str:
    return Path(os.path.relpath(cfg["docs"], cfg["root"])).as_posix()


def history_of(cfg: dict):
    from helpcenter.lifecycle import history
    return history.load(cfg["root"], _docs_rel(cfg))


def stale_problems(cfg: dict, catalogue, hist=None) -> tuple[list, list]:
    """(problems for articles due for a review, problems of the review_after_days setting)."""
    from helpcenter.source import frontmatter
    from helpcenter.lifecycle import review
    days, setting = review.after_days(cfg["kb"])
    today = frontmatter.today()
    due = review.stale(catalogue, hist or history_of(cfg), _docs_rel(cfg), days, today)
    return review.problems(due, days, today), [setting] if setting else []


def status(args, cfg: dict, catalogue) -> int | None:
    """Handle ``status --stale / --diff / --snippets``; None for the plain status table."""
    if getattr(args, "stale", False):
        return _print_stale(cfg, catalogue)
    if getattr(args, "diff", None):
        return _print_diff(args.diff, cfg, catalogue)
    if getattr(args, "snippets", False):
        return _print_snippets(cfg, catalogue)
    return None


def _print_stale(cfg: dict, catalogue) -> int:
    from helpcenter.source import frontmatter
    from helpcenter.lifecycle import review
    days, setting = review.after_days(cfg["kb"])
    if setting:
        print(setting, file=sys.stderr)
        return 1
    due = review.stale(catalogue, history_of(cfg), _docs_rel(cfg), days, frontmatter.today())
    if not due:
        print(f"no article due for a review (all reviewed or updated in the last {days} days)")
        return 0
    head = ["since", "days", "basis", "owner", "file", "title"]
    table = [[d.since.isoformat(), str(d.age), d.basis, d.owner or "—", d.file, d.title] for d in due]
    widths = [max(len(x) for x in col) for col in zip(head, *table)]
    for line in [head, ["-" * w for w in widths]] + table:
        print("  ".join(x.ljust(w) for x, w in zip(line, widths)).rstrip())
    print(f"\n{len(due)} article file(s) due for a review (older than {days} days, extra.kb.review_after_days); "
          "after checking one, set 'reviewed: YYYY-MM-DD' in its front matter")
    return 0


def _print_diff(file: str, cfg: dict, catalogue) -> int:
    from helpcenter.translation import translated
    pr = translated.pair(catalogue, cfg["root"], _docs_rel(cfg), file)
    result = translated.diff(pr, history_of(cfg)) if isinstance(pr, translated.Pair) else pr
    if not isinstance(result, tuple):
        print(result, file=sys.stderr)
        return 1
    base, text = result
    if not text.strip():
        print(f"{pr.source.file}: no change since {base}, the version {pr.translation.file} matches")
    else:
        print(f"# changes of {pr.source.file} since {base} (the version {pr.translation.file} matches):")
        print(text, end="" if text.endswith("\n") else "\n")
    return 0


def _print_snippets(cfg: dict, catalogue) -> int:
    from helpcenter.source import snippets
    uses = snippets.usage(cfg["docs"], cfg["root"], cfg["languages"])
    if not uses:
        print("no shared snippet (docs/<lang>/_snippets/)")
        return 0
    for snippet in uses:
        print(f"{snippet.file}: used {len(snippet.used_by)} time(s)")
        for where in snippet.used_by:
            print(f"  {where}")
    return 0


def cmd_translated(args) -> int:
    from helpcenter.translation import translated
    from helpcenter import content
    cfg = project(Path(args.config).resolve())
    catalogue = content.load(cfg["docs"], cfg["languages"], cfg["default"], root=cfg["root"])
    hist = history_of(cfg)
    failed = 0
    for file in args.files:
        pr = translated.pair(catalogue, cfg["root"], _docs_rel(cfg), file)
        result = translated.confirm(pr, hist) if isinstance(pr, translated.Pair) else pr
        if not isinstance(result, tuple):
            print(result, file=sys.stderr)
            failed += 1
            continue
        text, commit = result
        (cfg["root"] / pr.tr_key).write_text(text, encoding="utf-8")
        print(f"{pr.translation.file}: matches {pr.source.file} as of commit {commit} (source: {commit}); "
              "commit it with your translation")
    return 1 if failed else 0
