"""Create a new article in every language: same path, next free id, complete front matter.

The slug (file name) is made from the English title, accent-folded (site URLs are English in both
languages, like the existing articles), unless one is given. Nothing is written when any check fails, and
an existing file is never overwritten.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from helpcenter.source import frontmatter
from helpcenter import content
from helpcenter.source.problems import Problem

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 60

BODY = {
    "fr": ("<!-- Rédigez la réponse ici : une phrase d'introduction, puis des sections\n"
           "     « ## Titre {#id-en-anglais} » avec le même id que la version anglaise.\n"
           "     Retirez « missing-content » de 'review' quand l'article est complet. -->\n"),
    "en": ("<!-- Write the answer here: one introductory sentence, then sections\n"
           "     \"## Heading {#english-id}\" with the same id as the French version.\n"
           "     Remove \"missing-content\" from 'review' once the article is complete. -->\n"),
}


def slugify(text: str, max_len: int = SLUG_MAX) -> str:
    """'Modifier le pied de page des factures ?' -> 'modifier-le-pied-de-page-des-factures'."""
    text = re.sub(r"['’]s\b", "", text)                                    # subscription's -> subscription
    text = re.sub(r"\b(?:[ldjnmstc]|qu|jusqu|lorsqu|puisqu)['’]", "", text, flags=re.I)   # l'échéance -> échéance
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = re.findall(r"[a-z0-9]+", text)
    slug = ""
    for w in words:
        candidate = f"{slug}-{w}" if slug else w
        if len(candidate) > max_len:
            break
        slug = candidate
    return slug or (words[0][:max_len] if words else "")


@dataclass
class NewArticle:
    id: int
    path: str                    # relative to the language folder, e.g. settings/emails/x.md
    files: dict[str, Path]       # lang -> file written


def render(meta: dict, lang: str) -> str:
    """Front matter in the house style (``frontmatter.dump``), then a body skeleton."""
    return frontmatter.dump(meta) + "\n\n" + BODY.get(lang, BODY["en"])


def max_raw_id(docs_dir: Path) -> int:
    """Highest 'id:' written in any Markdown file, even one the catalogue could not read."""
    best = 0
    for md in docs_dir.rglob("*.md"):
        try:
            head = md.read_text(encoding="utf-8").split("\n---", 1)[0]
        except (OSError, UnicodeDecodeError):
            continue
        m = re.search(r"^id:\s*(\d+)\s*$", head, re.M)
        if m:
            best = max(best, int(m.group(1)))
    return best


def create(docs_dir: str | Path, category: str, titles: dict[str, str], descriptions: dict[str, str],
           slug: str | None = None, tags: dict[str, list[str]] | None = None, related: list[int] | None = None,
           languages: tuple[str, ...] = ("fr", "en"), default: str = "fr", root: str | Path | None = None,
           review: list[str] | None = None) -> tuple[NewArticle | None, list[Problem]]:
    """Write the article in every language, or nothing and the reasons why."""
    docs = Path(docs_dir)
    root = Path(root) if root else docs.parent
    problems: list[Problem] = []
    category = category.strip("/")
    review = ["missing-content"] if review is None else review
    if not category or ".." in category.split("/"):
        problems.append(Problem("--category", None, f"invalid category '{category}'",
                                "give a category folder such as settings or settings/emails"))
    if slug is None:
        slug = slugify(titles.get("en") or titles.get(default) or "")
    if not SLUG_RE.match(slug or ""):
        problems.append(Problem("--slug", None, f"invalid slug '{slug}'",
                                "use lower-case words without accents separated by '-', e.g. invoice-footer"))
    for lang in languages:
        cat_index = docs / lang / category / "index.md"
        if category and not cat_index.is_file():
            problems.append(Problem(f"docs/{lang}/{category}/index.md", None,
                                    f"category '{category}' does not exist in {lang}",
                                    "use an existing category folder (it has an index.md), or create the category "
                                    "first in every language"))
        for key, value, option in (("title", titles.get(lang), "title" if lang == default else f"--{lang}-title"),
                                   ("description", descriptions.get(lang),
                                    "--description" if lang == default else f"--{lang}-description")):
            if value is None or not str(value).strip():
                problems.append(Problem(option, None, f"the {lang} {key} is required",
                                        f"give {option} \"...\" "
                                        + ("(one sentence, "
                                           f"{frontmatter.DESCRIPTION_MIN}-{frontmatter.DESCRIPTION_MAX} characters, "
                                           "shown in listings and search results)" if key == "description" else "")))
                continue
            err = frontmatter.SCHEMAS["article"][key].check(value.strip())
            if err:
                problems.append(Problem(option, None, f"the {lang} {key} {err}",
                                        frontmatter.SCHEMAS["article"][key].doc))
    for lang, words in (tags or {}).items():
        err = frontmatter.SCHEMAS["article"]["tags"].check(words)
        if err:
            problems.append(Problem(f"--{lang}-tags" if lang != default else "--tags", None, f"tags {err}",
                                    "short keywords separated by commas"))
    catalogue = content.load(docs, languages, default, root=root)
    if related:
        known = set(catalogue[default].by_id)
        for rid in related:
            if rid not in known:
                problems.append(Problem("--related", None, f"unknown article id {rid}",
                                        "use ids listed by 'scripts/docs.py status'"))
    rel = f"{category}/{slug}.md"
    files = {lang: docs / lang / rel for lang in languages}
    for lang, f in files.items():
        if f.exists():
            problems.append(Problem(f"docs/{lang}/{rel}", None, "already exists: not overwritten",
                                    "choose another title or give --slug"))
        elif (f.parent / slug / "index.md").exists() or (f.parent / slug).is_dir():
            problems.append(Problem(f"docs/{lang}/{rel}", None, f"a folder docs/{lang}/{category}/{slug}/ exists",
                                    "choose another --slug"))
    if problems:
        return None, problems
    new_id = max(catalogue.next_free_id(), max_raw_id(docs) + 1)
    written: dict[str, Path] = {}
    try:
        for lang, f in files.items():
            meta: dict = {"id": new_id, "title": titles[lang].strip(), "description": descriptions[lang].strip()}
            if related:
                meta["related"] = list(related)
            meta["tags"] = list((tags or {}).get(lang, []))
            if review:
                meta["review"] = list(review)
            with open(f, "x", encoding="utf-8") as fh:       # "x": never overwrite, even in a race
                fh.write(render(meta, lang))
            written[lang] = f
    except FileExistsError:
        for f in written.values():
            f.unlink(missing_ok=True)
        return None, [Problem(str(f), None, "already exists: not overwritten", "choose another --slug")]
    return NewArticle(new_id, rel, written), []
