"""What ``scripts/docs.py check`` and ``scripts/docs.py build`` refuse, found once for both.

Content validation (front matter, ids, translations, related ids), translation parity, the strict
MkDocs build's warnings (links, anchors, images, glossary…), the site-level link check of the built
HTML and, on demand, external links. Every problem reads ``file:line: message (fix: what to do)``.

A mistake often causes others (a front matter that cannot be read makes its id unknown to the articles
that list it as related; a broken link in the French source makes the English twin's links differ): those
are *follow-on* problems, printed after the causes, marked with the cause, and not counted, so that seven
mistakes read as seven problems.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sitebuild.build import project
from sitebuild.warnings import MISSING_ANCHOR, build_problems, mkdocs_build

_ID_LINE = re.compile(r"^id:\s*(\d+)\s*$", re.M)


@dataclass
class Findings:
    problems: list = field(default_factory=list)       # what fails check and build
    follow_ons: list = field(default_factory=list)     # (problem, cause): shown, not counted
    outdated: list = field(default_factory=list)       # notes, unless --outdated-fails
    stale: list = field(default_factory=list)          # notes, unless --stale-fails
    report: object = None                              # linkcheck.Report of the built site


def _paths_with_problems(problems, docs: Path, root: Path) -> set[str]:
    """Paths (relative to the language folder) of the files that content validation complained about:
    their pages' language switch may be wrong because of it, which is then not reported twice."""
    prefix = os.path.relpath(docs, root).replace(os.sep, "/") + "/"
    out = set()
    for p in problems:
        if p.file.startswith(prefix):
            parts = p.file[len(prefix):].split("/", 1)
            if len(parts) == 2:
                out.add(parts[1])
    return out


def _not_reported_yet(site_problems, earlier):
    """Site-level problems minus those the build already reported (same file, line and link)."""
    from helpcenter.links.linksource import target_key

    def key(p):
        m = re.search(r"'([^']*)'", p.message)
        return (p.file, p.line, target_key(m.group(1)) if m else None)
    seen = {key(p) for p in earlier if p.line}
    return [p for p in site_problems if not (p.line and key(p) in seen)]


def split_follow_ons(problems: list, catalogue, docs: Path, root: Path) -> tuple[list, list]:
    """(causes, [(follow-on problem, cause)]): problems that only follow from another one.

    - "unknown related article id N" when an unreadable file of that language declares ``id: N``;
    - a translation's "N links, but its source has M" when the source has a broken link of its own (at
      the first difference, or elsewhere): fix the source first, the comparison may then agree;
    - a link to a missing '#id' of a page that changed or lost that section id, in either language (the
      cause: "section ids differ", or "heading '## …' has no {#id} while its translation … has {#id}").
    """
    from helpcenter.translation import parity
    unreadable_ids: dict[tuple[str, int], str] = {}
    for code, language in catalogue.langs.items():
        for rel in language.unreadable:
            md = docs / code / rel
            try:
                m = _ID_LINE.search(md.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
            if m:
                unreadable_ids[(code, int(m.group(1)))] = os.path.relpath(md, root).replace(os.sep, "/")
    docs_rel = os.path.relpath(docs, root).replace(os.sep, "/")
    by_file: dict[str, list] = {}
    for p in problems:
        by_file.setdefault(p.file, []).append(p)
    causes, follow = [], []
    for p in problems:
        cause = None
        parts = p.file.split("/")
        m = re.match(r"unknown related article id (\d+)$", p.message)
        if m and len(parts) > 2 and parts[0] == docs_rel:
            cause = unreadable_ids.get((parts[1], int(m.group(1))))
        elif re.match(r"\d+ links, but its \w+ source ", p.message):
            diff = re.search(r"first difference: (\S+\.md):(\d+)", p.message)
            own = [q for q in by_file.get(diff.group(1), []) if "link" in q.message] if diff else []
            first = next((q for q in own if q.line == int(diff.group(2))), own[0] if own else None)
            if first is not None:
                cause = f"{first.file}:{first.line}" if first.line else first.file
        anchor = MISSING_ANCHOR.search(p.message)
        if anchor and not cause:
            target = f"{docs_rel}/{anchor.group(1)}"
            renamed = next((q for q in by_file.get(target, []) if parity.ID_PROBLEM.match(q.message)
                            and f"{{#{anchor.group(2)}}}" in q.message), None)
            if renamed is not None:
                cause = f"{renamed.file}:{renamed.line}" if renamed.line else renamed.file
        if cause:
            follow.append((p, cause))
        else:
            causes.append(p)
    return causes, follow


def collect(config: Path, site: Path | None = None, proc: subprocess.CompletedProcess | None = None,
            outdated_fails: bool = False, stale_fails: bool = False,
            external: bool = False, timeout: float = 10.0, external_match: str | None = None) -> Findings:
    """Everything ``check`` reports. ``site``: an already built site (``proc``: the build that made it,
    whose warnings are then read); without ``site``, a strict build into a temporary folder."""
    from cli import lifecycle
    from helpcenter.links import externallinks, linkcheck
    from helpcenter.translation import parity
    from helpcenter import content
    from helpcenter.source.problems import Problem
    cfg = project(config)
    root, docs, langs, default = cfg["root"], cfg["docs"], cfg["languages"], cfg["default"]
    found = Findings()
    hist = lifecycle.history_of(cfg)     # one git pass: duplicate ids, outdated translations, review dates
    catalogue = content.load(docs, langs, default, root=root, history=hist)
    same = parity.problems(catalogue)
    problems = list(catalogue.problems) + same
    for code in langs:
        if code != default:
            for rel in sorted(parity.outdated_paths(root, docs, default, code, hist,
                                                    sources=parity.sources_of(catalogue, code))):
                found.outdated.append(Problem(
                    f"{os.path.relpath(docs / code / rel, root)}", None,
                    f"translation may be out of date: its source {os.path.relpath(docs / default / rel, root)} "
                    "changed after it", "update the translation, then commit it"))
    if outdated_fails:
        problems += found.outdated
    found.stale, setting = lifecycle.stale_problems(cfg, catalogue, hist)
    problems += setting
    if stale_fails:
        problems += found.stale
    tmp = None
    try:
        if site is None:
            tmp = Path(tempfile.mkdtemp(prefix="kb-check-"))
            site = tmp / "site"
            proc = mkdocs_build(config, site)
        if proc is not None:
            known = {str(p) for p in catalogue.problems + same}
            problems += build_problems(proc, docs, root, known)
        if (site / "index.html").is_file():
            report = linkcheck.check_site(site, docs, langs, default, root=root,
                                          skip_switch=_paths_with_problems(catalogue.problems, docs, root))
            found.report = report
            problems += _not_reported_yet(report.problems, problems)
            urls = [u for u in report.external if not external_match or re.search(external_match, u)]
            if external and urls:
                print(f"checking {len(urls)} external link(s)...", file=sys.stderr)
                results = externallinks.check_external(urls, timeout=timeout)
                problems += externallinks.external_problems(report, results)
        else:
            problems.append(Problem(str(site), None, "no built site to check (no index.html)",
                                    "fix the build errors above"))
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    problems = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.message))
    found.problems, found.follow_ons = split_follow_ons(problems, catalogue, docs, root)
    return found


def print_findings(found: Findings, out, outdated_fails: bool = False, stale_fails: bool = False) -> None:
    for p in found.problems:
        print(str(p), file=out)
    if found.follow_ons:
        print(f"note: {len(found.follow_ons)} more problem(s) follow from those above (not counted; "
              "they should go away once the cause is fixed):", file=out)
        for p, cause in found.follow_ons:
            print(f"  {p} [follows from {cause}]", file=out)
    if found.outdated and not outdated_fails:
        print(f"note: {len(found.outdated)} translation(s) may be out of date (not an error):", file=out)
        for p in found.outdated:
            print(f"  {p}", file=out)
    if found.stale and not stale_fails:
        print(f"note: {len(found.stale)} article(s) due for a review (not an error; --stale-fails makes it one):",
              file=out)
        for p in found.stale:
            print(f"  {p}", file=out)


# --- the command -----------------------------------------------------------------------------

def run_check(config: Path, site: Path | None = None, external: bool = False, timeout: float = 10.0,
              outdated_fails: bool = False, out=None, external_match: str | None = None,
              stale_fails: bool = False) -> int:
    """Content validation, translation parity, strict build into a temporary folder, site-level link
    check (see ``collect``); prints every problem as 'file:line: message (fix: ...)' and returns how
    many there are (follow-on problems are printed, not counted)."""
    found = collect(config, site, outdated_fails=outdated_fails, stale_fails=stale_fails,
                               external=external, timeout=timeout, external_match=external_match)
    print_findings(found, out or sys.stdout, outdated_fails, stale_fails)
    report = found.report
    pages = f", {report.pages} pages and {report.links} links checked" if report else ""
    external_note = f", {len(report.external)} external links not checked (use --external)" \
        if report and report.external and not external else ""
    if found.problems:
        print(f"check: {len(found.problems)} problem(s){pages}", file=sys.stderr)
    else:
        print(f"check: no problem{pages}{external_note}", file=sys.stderr)
    return len(found.problems)


def cmd_check(args) -> int:
    site = Path(args.site).resolve() if args.site else None
    n = run_check(Path(args.config).resolve(), site, args.external, args.timeout, args.outdated_fails,
                  external_match=args.external_match, stale_fails=args.stale_fails)
    return 1 if n else 0
