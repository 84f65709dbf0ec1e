"""One call per source for the command line, the benchmark and the tests."""
from __future__ import annotations

from pathlib import Path

from importer import wordpress, write, zendesk
from importer.model import Export, SourceError
from importer.plan import Planner
from importer.report import Report


def run(export: Export, root: Path, uploads: Path | None = None, dry_run: bool = False) -> Report:
    """Plan, check and (unless ``dry_run``) write ``export`` into the project at ``root``."""
    root = Path(root).resolve()
    if not (root / "docs").is_dir():
        raise SourceError(str(root / "docs"), None, "no docs/ folder here", "run the import from the project folder")
    if uploads is not None and not Path(uploads).is_dir():
        raise SourceError(str(uploads), None, "--uploads is not a folder", "give a copy of wp-content/uploads")
    mapping = write.load_mapping(root)
    key = export.ids_key()
    plan = Planner(export, root / "docs", mapping["sources"].get(key, {}), Path(uploads) if uploads else None).run()
    plan.report.dry_run = dry_run
    for what, why in export.skipped:
        plan.report.skipped.append({"what": what, "why": why})
    plan.report.notes.extend(export.notes)
    write.apply(plan, root, mapping, key, dry_run)
    return plan.report


def import_wordpress(path, root, post_types=("post",), lang=None, views_meta="views", uploads=None,
                     dry_run=False) -> Report:
    return run(wordpress.read(path, post_types, lang, views_meta), root, uploads, dry_run)


def import_zendesk(folder, root, uploads=None, dry_run=False) -> Report:
    return run(zendesk.read(folder), root, uploads, dry_run)
