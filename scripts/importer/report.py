"""What an import did (or would do, with --dry-run): printed for the writer, and as JSON (--report FILE)."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Report:
    source: str = ""
    file: str = ""
    dry_run: bool = False
    articles: dict = field(default_factory=lambda: {"fr": 0, "en": 0})   # files written per language
    pairs: int = 0
    already_imported: int = 0
    drafts: list = field(default_factory=list)          # {id, path, reasons}
    categories: list = field(default_factory=list)      # folders created
    images_copied: int = 0
    images_missing: list = field(default_factory=list)  # {article, src}
    links_rewritten: int = 0
    links_kept: list = field(default_factory=list)      # {article, url}: links to the old site not imported
    external_links: int = 0
    anchors_dropped: list = field(default_factory=list) # {article, link}
    links_to_drafts: list = field(default_factory=list) # {article, link}: unlinked (text kept) until published
    shortcodes: Counter = field(default_factory=Counter)
    redirects: int = 0                                  # old URLs as aliases (301 in nginx, a page in the build)
    nginx_redirects: int = 0                            # ?p=ID and old URLs only nginx can answer
    slugs_changed: list = field(default_factory=list)   # {wanted, given}
    skipped: list = field(default_factory=list)         # {what, why}
    notes: list = field(default_factory=list)
    files: list = field(default_factory=list)           # written (relative to the project)

    def review_first(self) -> list[str]:
        out = []
        if self.drafts:
            out.append(f"{len(self.drafts)} article(s) imported as drafts: fix the reason given for each, then "
                       "remove 'status: draft' from both languages")
        if self.images_missing:
            out.append(f"{len(self.images_missing)} image(s) not found in --uploads still point at the old site")
        if self.links_kept:
            out.append(f"{len(self.links_kept)} link(s) to pages of the old site that were not imported")
        if self.anchors_dropped:
            out.append(f"{len(self.anchors_dropped)} link(s) lost their #anchor (no such section in the target)")
        if self.links_to_drafts:
            out.append(f"{len(self.links_to_drafts)} link(s) to articles imported as drafts were turned into plain "
                       "text: link them again once those are published")
        if self.shortcodes:
            out.append("shortcodes removed (their text kept): " + ", ".join(f"[{k}] ×{v}" for k, v in
                                                                        self.shortcodes.most_common()))
        return out

    def as_dict(self) -> dict:
        d = asdict(self)
        d["shortcodes"] = dict(self.shortcodes)
        d["review_first"] = self.review_first()
        return d

    def write_json(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def text(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        lines = [f"{self.source} {self.file}: {verb} {self.articles['fr']} French and {self.articles['en']} English "
                 f"article file(s), {self.pairs} pair(s); {len(self.categories)} new category folder(s)"]
        if self.already_imported:
            lines.append(f"  {self.already_imported} article(s) already imported by an earlier run: left as they are")
        lines.append(f"  links: {self.links_rewritten} rewritten to .md files, {len(self.links_kept)} to the old site "
                     f"kept absolute, {self.external_links} external")
        lines.append(f"  images: {self.images_copied} copied, {len(self.images_missing)} missing")
        lines.append(f"  old URLs: {self.redirects} as aliases, {self.nginx_redirects} for nginx only "
                     "(scripts/docs.py nginx)")
        for d in self.drafts:
            lines.append(f"  draft: {d['path']} (id {d['id']}): {'; '.join(d['reasons'])}")
        for s in self.slugs_changed:
            lines.append(f"  slug taken: {s['wanted']} -> {s['given']}")
        for s in self.skipped:
            lines.append(f"  skipped: {s['what']}: {s['why']}")
        for link in self.links_kept[:20]:
            lines.append(f"  kept absolute: {link['article']}: {link['url']}")
        for img in self.images_missing[:20]:
            lines.append(f"  image missing: {img['article']}: {img['src']}")
        for note in self.notes:
            lines.append(f"  note: {note}")
        first = self.review_first()
        if first:
            lines.append("review first:")
            lines += [f"  - {x}" for x in first]
        return "\n".join(lines)
