"""Checking and writing a plan: nothing reaches the project until the whole export is converted and the
result passes the project's own checks.

1. Every new file is written into a staging folder (``.kb-import-*`` in the project) next to a copy of
   ``docs/``.
2. The staging docs are read as every command reads them (``helpcenter.content.load`` and translation
   parity). An article with a problem that the project did not have before is made a draft in both
   languages, with the problem as its reason; when the problem is in its text (parity, glossary, a link),
   both bodies are kept whole in a fenced ``markdown`` block, which no check reads, for a writer to take
   out. An alias that cannot be one becomes an nginx-only redirect. Articles linking to a draft become
   drafts. This repeats until nothing new is wrong (or stops with an error, leaving the project untouched).
3. The new files are hard-linked into the project, none over an existing file, and the mapping of old ids
   (``import-map.json``) is written last.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import yaml

from helpcenter import content
from helpcenter.source import frontmatter
from helpcenter.translation import parity
from importer.model import LANGS, SourceError
from importer.plan import ArticlePlan, FileOut, Plan

MAPPING = "import-map.json"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ROUNDS = 10
_ALIAS_PROBLEM = re.compile(r"alias '([^']+)'")
_DRAFT_LINK = re.compile(r"^links to '([^']+)', a draft")
_GLOSSARY = re.compile(r'^"(.+)" → write "(.+)" \(glossary\)$')


def render(meta: dict, body: str) -> str:
    return frontmatter.dump(meta) + "\n\n" + body


def fenced(body: str) -> str:
    run = max((len(m) for m in re.findall(r"`{3,}|~{3,}", body)), default=0)
    fence = "`" * max(4, run + 1)
    return f"{fence}markdown\n{body.rstrip()}\n{fence}\n"


def load_mapping(root: Path) -> dict:
    path = root / MAPPING
    if not path.exists():
        return {"version": 1, "sources": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise SourceError(str(path), getattr(exc, "lineno", None), f"not valid JSON ({exc})",
                          "restore it from git: it maps the old ids to the imported articles") from None
    if not isinstance(data, dict) or not isinstance(data.get("sources"), dict):
        raise SourceError(str(path), 1, "unknown format", "restore it from git")
    return data


def _files(plan: Plan) -> dict[str, str]:
    """docs-relative file -> text (articles and category pages)."""
    out = {}
    for f in plan.categories:
        out[f"docs/{f.lang}/{f.rel}"] = render(f.meta, f.body)
    for art in plan.articles:
        for f in art.files.values():
            out[f"docs/{f.lang}/{f.rel}"] = _article_text(art, f)
    return out


def _article_text(art: ArticlePlan, f: FileOut) -> str:
    meta = dict(f.meta)
    if art.draft:
        meta["status"] = "draft"
    return render(meta, fenced(f.body) if art.quarantined else f.body)


def _problems(docs: Path, root: Path) -> list:
    cat = content.load(docs, LANGS, "fr", root=root)
    return list(cat.problems) + parity.problems(cat)


def check(plan: Plan, staging: Path, project_docs: Path) -> None:
    """Write the plan into ``staging`` (a copy of the project's docs plus the new files) and make drafts of
    what the checks refuse, until the staged docs have no problem the project did not already have."""
    baseline = {(p.file, p.message) for p in _problems(project_docs, project_docs.parent)} \
        if any(project_docs.glob("*/index.md")) else set()
    sdocs = staging / "docs"
    shutil.copytree(project_docs, sdocs)
    for (lang, rel), src in plan.images.items():
        dest = sdocs / lang / rel
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
    by_file = {f"docs/{f.lang}/{f.rel}": art for art in plan.articles for f in art.files.values()}
    texts = _files(plan)
    for rel, text in texts.items():
        dest = staging / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
    for _ in range(ROUNDS):
        new = [p for p in _problems(sdocs, staging) if (p.file, p.message) not in baseline]
        if not new:
            return
        changed: set[int] = set()
        stuck = []
        arts = {}
        for p in new:
            art = by_file.get(p.file)
            if art is None:
                stuck.append(p)
                continue
            arts[art.id] = art
            m = _ALIAS_PROBLEM.search(p.message)
            lang = p.file.split("/")[1]
            if m and m.group(1) in art.files[lang].meta.get("aliases", []):
                aliases = art.files[lang].meta["aliases"]
                aliases.remove(m.group(1))
                if not aliases:
                    del art.files[lang].meta["aliases"]
                old = m.group(1)
                prefix = "" if lang == "fr" or old.startswith("/") else f"{lang}/"
                plan.nginx["/" + prefix + old.lstrip("/")[:-3] + "/"] = [lang, art.id]
                plan.report.notes.append(f"{p.file}: {p.message}: answered by nginx only")
                changed.add(art.id)
                continue
            keys = list(art.files[lang].meta)
            g = _GLOSSARY.match(p.message)
            if g and p.line and 2 <= p.line < 2 + len(keys) and not art.quarantined:
                key = keys[p.line - 2]                # the glossary's own form in a title, description or tag
                value = art.files[lang].meta[key]
                fixed = [v.replace(g.group(1), g.group(2)) if isinstance(v, str) else v for v in value] \
                    if isinstance(value, list) else value.replace(g.group(1), g.group(2))
                if fixed != value:
                    art.files[lang].meta[key] = fixed
                    plan.report.notes.append(f"{p.file}: {key}: \"{g.group(1)}\" written \"{g.group(2)}\" (glossary)")
                    changed.add(art.id)
                    continue
            body_at = p.line - (len(keys) + (1 if art.draft else 0) + 4) if p.line else -1
            f = art.files[lang]
            lines = f.body.split("\n")
            if g and not art.quarantined and 0 <= body_at < len(lines) and g.group(1) in lines[body_at]:
                lines[body_at] = lines[body_at].replace(g.group(1), g.group(2))
                f.body = "\n".join(lines)
                plan.report.notes.append(f"{p.file}:{p.line}: \"{g.group(1)}\" written \"{g.group(2)}\" (glossary)")
                changed.add(art.id)
                continue
            d = _DRAFT_LINK.search(p.message)
            if d and not art.draft and 0 <= body_at < len(lines):
                unlinked = re.sub(r"\[([^\]]*)\]\(<?" + re.escape(d.group(1)) + r">?\)", r"\1", lines[body_at])
                if unlinked != lines[body_at]:        # a link to a draft: its text stays, the link comes back later
                    lines[body_at] = unlinked
                    f.body = "\n".join(lines)
                    plan.report.links_to_drafts.append({"article": p.file, "link": d.group(1)})
                    changed.add(art.id)
                    continue
            reason = f"{p.file}:{p.line or ''} {p.message}".replace(": ", " ", 0)
            in_text = "a draft" not in p.message and (p.line is None or p.line > 2 + len(art.files[lang].meta))
            if in_text and not art.quarantined:
                art.quarantined = True
                art.reasons.append(reason + " (text kept in a fenced block)")
                changed.add(art.id)
            elif not art.draft:
                art.reasons.append(reason)
                changed.add(art.id)
            elif not in_text or art.quarantined:
                if "a draft" in p.message:
                    continue
                stuck.append(p)
        if stuck and not changed:
            raise SourceError(plan.report.file, None, "the imported content would still break the build:\n  "
                              + "\n  ".join(str(p) for p in stuck[:20]),
                              "fix the export (or these files of the project), then import again")
        for art_id in changed:
            art = arts[art_id]
            for f in art.files.values():
                (staging / f"docs/{f.lang}/{f.rel}").write_text(_article_text(art, f), encoding="utf-8")
    left = [p for p in _problems(sdocs, staging) if (p.file, p.message) not in baseline]
    raise SourceError(plan.report.file, None, f"the imported content still has problems after {ROUNDS} rounds:\n  "
                      + "\n  ".join(str(p) for p in left[:20]), "report it with the export: nothing was written")


def apply(plan: Plan, root: Path, mapping: dict, key: str, dry_run: bool) -> None:
    """Check the plan in a staging folder, then (unless ``dry_run``) move the new files in."""
    staging = Path(tempfile.mkdtemp(prefix=".kb-import-", dir=root))
    try:
        check(plan, staging, root / "docs")
        report = plan.report
        for art in plan.articles:
            for lang in art.files:
                report.articles[lang] += 1
            if art.draft:
                report.drafts.append({"id": art.id, "path": art.path, "reasons": art.reasons})
        report.redirects = sum(len(f.meta.get("aliases", [])) for a in plan.articles if not a.draft
                               for f in a.files.values())
        report.nginx_redirects = len(plan.nginx)
        moves = [rel for rel in _files(plan)]
        moves += [f"docs/{lang}/{rel}" for (lang, rel) in plan.images]
        moves = [m for m in dict.fromkeys(moves)
                 if not (m.startswith(tuple(f"docs/{lang}/images/" for lang in LANGS)) and (root / m).exists())]
        clash = [m for m in moves if (root / m).exists()]
        if clash:
            raise SourceError(clash[0], None, "appeared in the project during the import: not overwritten",
                              "run the import again")
        report.files = sorted(moves)
        if dry_run:
            return
        done = []
        try:
            for rel in moves:
                dest = root / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.link(staging / rel, dest)          # fails on an existing file: never overwrites
                done.append(dest)
        except OSError as exc:
            for d in done:
                d.unlink(missing_ok=True)
            raise SourceError(str(exc.filename or root), None, f"could not be written ({exc.strerror}); "
                              "nothing was imported", "check the folder's permissions and free space") from None
        entry = mapping["sources"].setdefault(key, {"posts": {}, "nginx": {}})
        entry["posts"].update(plan.old_ids)
        entry["nginx"].update(plan.nginx)
        tmp = root / f".{MAPPING}.tmp"
        tmp.write_text(json.dumps(mapping, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(root / MAPPING)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
