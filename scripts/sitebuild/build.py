"""Building the site, for ``scripts/docs.py build``, the checks, the preview, the tests and the benchmarks.

The preview and the command line both build through this module (never one through the other).

A strict MkDocs build into a temporary folder that replaces the site only on success, in one process
or in one process per language whose outputs are merged (``--parallel``); the project configuration
the commands read from mkdocs.yml; a copy of the project's build sources for tests and benchmarks.
"""
from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]      # the repository (the package is installed in place)

PROJECT_PARTS = ("overrides", "scripts", "mkdocs.yml")   # what a build needs besides docs/


def copy_project(dest: Path, docs: Path | None = ROOT / "docs") -> Path:
    """Copy this project's build sources (and ``docs``, unless None) into ``dest``: for tests and
    benchmarks that build a modified or synthetic help center with the real configuration."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_PARTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, dest / name)
    if docs is not None:
        shutil.copytree(docs, dest / "docs")
    return dest


def _mkdocs_env(**extra) -> dict:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true", **extra)


def _mkdocs_cmd(config: Path, site_dir: Path) -> list[str]:
    """A strict build. Never with ``-q``: quiet mode drops warnings before MkDocs counts them, so a
    strict quiet build would pass with broken links."""
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
            "--site-dir", str(site_dir)]


def build_site(config: Path, site_dir: Path, quiet: bool = False, parallel: bool = False,
               precompress: bool = True, verify=None) -> subprocess.CompletedProcess:
    """Build into a temporary folder next to ``site_dir``; replace ``site_dir`` only on success.

    ``parallel``: one build process per language, merged (see ``_build_parallel``).
    ``precompress``: write the ``.gz`` twin of every compressible file, for nginx's ``gzip_static``.
    ``verify(site, proc)``: problems of the built site (even of a failed build); any problem fails the
    build (``returncode`` 1) and leaves ``site_dir`` as it was; they are kept in ``proc.problems``.
    """
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".kb-build-{site_dir.name}-", dir=site_dir.parent))
    if parallel:
        proc = _build_parallel(config, tmp)
    else:
        proc = subprocess.run(_mkdocs_cmd(config, tmp), cwd=config.parent, env=_mkdocs_env(),
                              capture_output=True, text=True)
    proc.problems = verify(tmp, proc) if verify else []
    if proc.problems and proc.returncode == 0:
        proc.returncode = 1
    if proc.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        return proc
    # mkdtemp made the folder private (0700): give it the permissions any new folder gets, as
    # 'mkdocs build' does, so that a web server running as another user can read the site
    os.chmod(tmp, 0o777 & ~_umask())
    if precompress:
        from serving.precompress import precompress as write_gz
        write_gz(tmp)
    old = site_dir.with_name(f".kb-build-{site_dir.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(old)
    tmp.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
    return proc


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _build_parallel(config: Path, dest: Path) -> subprocess.CompletedProcess:
    """Use every core: one full build per language at once, each rendering the articles of its own
    language only (``KB_RENDER_ONLY``, see the hooks), then one site made of
    - the default language's build, for the root (its pages, assets, its search index, its 404.html, …);
    - each other language's folder (``en/``: its pages, search index and 404.html) from that language's build;
    - ``sitemap.xml``: each language's entries from that language's build, in static-i18n's order.
    The result is the same as a single build (tests/test_parallel_build.py compares every byte)."""
    cfg = project(config)
    order = language_order(cfg)
    parts = {lang: Path(tempfile.mkdtemp(prefix=f".kb-part-{lang}-", dir=dest.parent)) for lang in order}
    try:
        running = {lang: subprocess.Popen(_mkdocs_cmd(config, parts[lang]), cwd=config.parent,
                                          env=_mkdocs_env(KB_RENDER_ONLY=lang), text=True,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                   for lang in order}
        outputs = {lang: p.communicate() for lang, p in running.items()}
        code = next((p.returncode for p in running.values() if p.returncode), 0)
        proc = subprocess.CompletedProcess(_mkdocs_cmd(config, dest), code,
                                           "".join(o for o, _ in outputs.values()),
                                           "".join(e for _, e in outputs.values()))
        if code == 0:
            merge_parts(parts, order, dest, cfg["site_url"] or "")
        return proc
    finally:
        for part in parts.values():
            shutil.rmtree(part, ignore_errors=True)


SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")


def language_order(cfg: dict) -> list[str]:
    """The built languages, the default one first (the order of static-i18n's builds)."""
    return [cfg["default"]] + [lang for lang in cfg["languages"] if lang != cfg["default"]]


def merge_parts(parts: dict[str, Path], order: list[str], dest: Path, site_url: str, link: bool = False) -> None:
    """``link``: ``dest`` (new) is made of symbolic links to the parts' files and folders instead of
    copies, so that later changes to a part show in ``dest`` (the writers' preview on every core,
    scripts/preview/parallel.py: each language's process keeps updating its own part)."""
    default = order[0]
    sitemaps = {lang: (parts[lang] / "sitemap.xml").read_text(encoding="utf-8") for lang in order
                if (parts[lang] / "sitemap.xml").is_file()}
    if link:
        dest.mkdir()
        for entry in parts[default].iterdir():
            if entry.name not in order[1:] and not (entry.name in SITEMAPS and len(sitemaps) == len(order)):
                (dest / entry.name).symlink_to(entry)
        for lang in order[1:]:
            if (parts[lang] / lang).is_dir():
                (dest / lang).symlink_to(parts[lang] / lang)
    else:
        shutil.rmtree(dest)
        shutil.copytree(parts[default], dest)
        for lang in order[1:]:
            shutil.rmtree(dest / lang, ignore_errors=True)
            shutil.copytree(parts[lang] / lang, dest / lang)
    if len(sitemaps) == len(order):
        merged = merge_sitemaps(sitemaps, order, site_url)
        (dest / "sitemap.xml").write_text(merged, encoding="utf-8")
        with gzip.open(dest / "sitemap.xml.gz", "wb") as f:
            f.write(merged.encode("utf-8"))


_URL_ENTRY = re.compile(r"\s*<url>.*?</url>", re.S)
_LOC = re.compile(r"<loc>(.*?)</loc>", re.S)


def merge_sitemaps(sitemaps: dict[str, str], order: list[str], site_url: str) -> str:
    """One sitemap from one per language build: each language's entries from its own build."""
    base = site_url if site_url.endswith("/") else site_url + "/"

    def lang_of(entry: str) -> str:
        loc = _LOC.search(entry).group(1)
        rest = loc[len(base):] if loc.startswith(base) else loc.lstrip("/")
        return next((lang for lang in order[1:] if rest.startswith(f"{lang}/") or rest == lang), order[0])

    first = sitemaps[order[0]]
    entries = list(_URL_ENTRY.finditer(first))
    head = first[:entries[0].start()] if entries else first[:first.rindex("</urlset>")]
    tail = first[entries[-1].end():] if entries else first[first.rindex("</urlset>"):]
    body = "".join(m.group(0) for lang in order for m in _URL_ENTRY.finditer(sitemaps[lang])
                   if lang_of(m.group(0)) == lang)
    return head + body + tail


# --- project configuration -------------------------------------------------------------------

class _Loader(__import__("yaml").SafeLoader):
    """mkdocs.yml reader: '!ENV [NAME, default]' is resolved, other tags (!!python/...) become None."""


def _env_tag(loader, node):
    import yaml
    values = [loader.construct_scalar(n) for n in node.value] if isinstance(node, yaml.SequenceNode) \
        else [loader.construct_scalar(node)]
    for name in values[:-1] if len(values) > 1 else values:
        if name in os.environ:
            return os.environ[name]
    return values[-1] if len(values) > 1 else None


_Loader.add_constructor("!ENV", _env_tag)
_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def project(config: Path) -> dict:
    """What the commands need from mkdocs.yml: docs folder, languages, default language, site_url."""
    import yaml
    data = yaml.load(config.read_text(encoding="utf-8"), Loader=_Loader) or {}
    languages, default = [], None
    for plugin in data.get("plugins") or []:
        if isinstance(plugin, dict) and "i18n" in plugin:
            for lang in (plugin["i18n"] or {}).get("languages") or []:
                if lang.get("build", True):
                    languages.append(lang["locale"])
                if lang.get("default"):
                    default = lang["locale"]
    languages = languages or ["fr", "en"]
    root = config.parent
    kb = (data.get("extra") or {}).get("kb") if isinstance(data.get("extra"), dict) else None
    return {"root": root, "docs": (root / data.get("docs_dir", "docs")).resolve(), "languages": tuple(languages),
            "default": default or languages[0], "site_url": data.get("site_url"),
            "kb": kb if isinstance(kb, dict) else {}}
