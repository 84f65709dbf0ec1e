#!/usr/bin/env python3
"""Build benchmark at scale. Not a test: it prints figures.

    python scripts/bench/bench_build.py                       # N = 200 and 2,000 articles per language
    python scripts/bench/bench_build.py --sizes 500           # other sizes
    python scripts/bench/bench_build.py --sizes 2000 --profile full.prof   # cProfile of the full build
    options: --keep DIR (keep the generated projects and sites), --only full|bare, --no-linkcheck

For every N it generates a synthetic help center (N articles per language, 10 categories, ~500 words,
``## Heading {#id}`` sections with the same ids in both languages, internal links to articles, sections
and categories, front matter valid for scripts/helpcenter/source/frontmatter.py with ``related`` ids, tags,
weights and a few aliases), then builds the same content twice:

- full: this project's configuration (mkdocs.yml, overrides/, scripts/: hooks, related ranking,
  listings, short links and aliases, split search, strict validation);
- bare: Material + mkdocs-static-i18n + ``navigation.prune`` and the same Markdown extensions (so that
  the pages have the same content), without hooks, overrides or redirects.

The full project is made a git work tree with one commit, then 200 commits each changing 1 % of the
articles (``--history N``; the hooks read git history in one pass for the dates and outdated
translations: its time and share of the full build are printed). Figures per
build: wall and CPU seconds, ms per built page (wall / HTML pages of both languages: articles,
categories, homes; redirect stubs not counted), peak memory of the build process (maxrss), size of
the site and average HTML per page, search index per language raw and gzip-compressed (level 6, as a
web server would; the bare build has one index mixing both languages), and the full/bare ratio. For the full site of the largest N it also runs the
site-level link check (scripts/helpcenter/links/linkcheck.py) and prints pages per second.
"""
from __future__ import annotations

import argparse
import gzip
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]      # the repository
from sitebuild import build as site_build

LANGS = ("fr", "en")
DEFAULT = "fr"
CATEGORIES = 10
SECTIONS = ("overview", "prerequisites", "steps", "settings", "limits", "troubleshooting")

# --- synthetic content -----------------------------------------------------------------------

WORDS = {
    "fr": """abonnement abonnements client clients offre offres facture factures paiement paiements moyen
        carte bancaire prélèvement portail page pages hébergées paramètre paramètres segment logo email
        emails envoi automatique relance échéance période essai renouvellement résiliation mise niveau
        option options quantité compteur consommation tarif tarifs prix remise coupon taxe devise montant
        total compte utilisateur rôle permission accès intégration iframe redirection adresse formulaire
        bouton texte traduction langue français anglais affichage modèle personnalisation feuille style
        sécurité signature requête réponse webhook notification événement historique export rapport
        statistique tableau bord configuration réglage valeur défaut champ obligatoire facultatif liste
        choix action étape parcours souscription validation confirmation erreur message avertissement
        contrôle vérification données sandbox production environnement clé identifiant référence code
        document modification suppression création ajout fenêtre onglet menu section rubrique contenu
        lien site domaine service application plateforme équipe support contrat engagement durée mois
        année jour date heure fuseau calendrier cycle facturation proratisation crédit avoir remboursement
        solde dette encaissement rapprochement comptabilité""".split(),
    "en": """subscription subscriptions customer customers offer offers invoice invoices payment payments
        method card bank debit portal page pages hosted setting settings segment logo email emails
        sending automatic reminder due period trial renewal termination upgrade downgrade option options
        quantity counter usage price prices discount coupon tax currency amount total account user role
        permission access integration iframe redirection address form button text translation language
        french english display template customisation stylesheet style security signature request
        response webhook notification event history export report statistic dashboard configuration
        value default field required optional list choice action step journey signup validation
        confirmation error message warning control check data sandbox production environment key
        identifier reference code document change removal creation addition window tab menu section
        heading content link site domain service application platform team support contract commitment
        duration month year day date hour timezone calendar cycle billing proration credit note refund
        balance debt collection reconciliation accounting""".split(),
}
FILLER = {"fr": "le la les un une des du de pour avec dans sur par et ou puis si votre vos ce cette est sont".split(),
          "en": "the a an of for with in on by and or then if your this that is are to from".split()}
TITLE = {"fr": "Comment gérer {a} et {b} ({n}) ?", "en": "How to manage {a} and {b} ({n})?"}
DESCRIPTION = {"fr": "Article {n} : paramétrer {a}, {b} et {c} pour vos clients, pas à pas et sans erreur.",
               "en": "Article {n}: set up {a}, {b} and {c} for your customers, step by step and without errors."}
HEADINGS = {"fr": ("Présentation", "Prérequis", "Étapes", "Réglages", "Limites", "Dépannage"),
            "en": ("Overview", "Prerequisites", "Steps", "Settings", "Limits", "Troubleshooting")}
CATEGORY = {"fr": ("Catégorie {k} : {a}", "Tout sur {a} et {b} : les réglages, les parcours et les questions fréquentes."),
            "en": ("Category {k}: {a}", "All about {a} and {b}: settings, journeys and frequent questions.")}
HOME = {"fr": ("Centre d'aide", "Trouvez des réponses sur le paramétrage : pages hébergées, factures et emails."),
        "en": ("Help center", "Find answers about setting up: hosted pages, invoices and emails.")}
SEE = {"fr": "Voir aussi", "en": "See also"}


def _sentence(rng: random.Random, lang: str, n: int) -> str:
    words = [rng.choice(WORDS[lang]) if rng.random() < .6 else rng.choice(FILLER[lang]) for _ in range(n)]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _paragraph(rng: random.Random, lang: str, words: int) -> str:
    out, count = [], 0
    while count < words:
        n = rng.randint(8, 16)
        out.append(_sentence(rng, lang, n))
        count += n
    return " ".join(out)


def article_path(i: int) -> str:
    return f"cat-{(i - 1) % CATEGORIES + 1:02d}/article-{i:05d}.md"


def _rel_link(src: str, dst: str) -> str:
    return os.path.relpath(dst, os.path.dirname(src)).replace(os.sep, "/")


def generate(docs: Path, n: int, seed: int = 7) -> int:
    """Write docs/<lang>/ for ``n`` articles per language; returns the average number of words of a body."""
    words_total = 0
    for lang in LANGS:
        rng = random.Random(seed)          # same structure (ids, links, related) in both languages
        wording = random.Random(f"{seed}-{lang}")   # the text: its draws depend on the vocabulary's size
        base = docs / lang
        base.mkdir(parents=True, exist_ok=True)
        title, description = HOME[lang]
        (base / "index.md").write_text(
            f'---\ntitle: "{title}"\ndescription: "{description}"\ntemplate: home.html\n---\n', encoding="utf-8")
        vocab = WORDS[lang]
        for k in range(1, CATEGORIES + 1):
            folder = base / f"cat-{k:02d}"
            folder.mkdir(exist_ok=True)
            t, d = CATEGORY[lang]
            a, b = vocab[k * 7 % len(vocab)], vocab[k * 11 % len(vocab)]
            (folder / "index.md").write_text(
                f'---\ntitle: "{t.format(k=k, a=a)}"\ndescription: "{d.format(a=a, b=b)}"\n---\n', encoding="utf-8")
        tags = [w for w in vocab[::5]][:30]
        for i in range(1, n + 1):
            path = article_path(i)
            a, b, c = wording.sample(vocab, 3)
            same_cat = [j for j in range(i % CATEGORIES or CATEGORIES, n + 1, CATEGORIES) if j != i]
            related = rng.sample(same_cat, min(3, len(same_cat))) if same_cat else []
            if n > 1:
                other = rng.randint(1, n)
                if other != i and other not in related:
                    related.append(other)
            lines = ["---", f"id: {i}", f'title: "{TITLE[lang].format(a=a, b=b, n=i)}"',
                     f'description: "{DESCRIPTION[lang].format(a=a, b=b, c=c, n=i)}"',
                     f"related: [{', '.join(map(str, related))}]",
                     f"tags: [{', '.join(wording.sample(tags, 2))}]", f"weight: {rng.randint(0, 500)}"]
            if i % 100 == 0:
                lines.append(f"aliases: [{path[:-3]}-old.md]")
            lines.append("---")
            body = [_paragraph(wording, lang, 50)]
            for s, (sid, heading) in enumerate(zip(SECTIONS, HEADINGS[lang])):
                body.append(f"## {heading} {wording.choice(vocab)} {{#{sid}}}")
                body.append(_paragraph(wording, lang, 58))
                if s == 2:
                    body.append("\n".join(f"{m}. {_sentence(wording, lang, 7)}" for m in range(1, 4)))
            targets = [rng.randint(1, n) for _ in range(3)]
            refs = [f"[{SEE[lang]} {t}]({_rel_link(path, article_path(t))}#{rng.choice(SECTIONS)})"
                    for t in targets if t != i]
            cat = rng.randint(1, CATEGORIES)
            refs.append(f"[{CATEGORY[lang][0].format(k=cat, a='…')}]({_rel_link(path, f'cat-{cat:02d}/index.md')})")
            refs.append(f"[{HEADINGS[lang][3]}](#settings)")
            body.append(" · ".join(refs))
            text = "\n".join(lines) + "\n\n" + "\n\n".join(body) + "\n"
            words_total += sum(len(part.split()) for part in body)
            target = base / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    return words_total // (n * len(LANGS))


# --- projects ----------------------------------------------------------------------------------

BARE_YML = """\
site_name: Bench
site_url: https://help.example.com/
docs_dir: docs
use_directory_urls: true
theme:
  name: material
  language: fr
  font: false
  features:
    - navigation.prune
markdown_extensions:
  - toc:
      permalink: "#"
  - attr_list
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - def_list
  - tables
plugins:
  - search
  - i18n:
      docs_structure: folder
      fallback_to_default: true
      reconfigure_material: true
      reconfigure_search: true
      languages:
        - locale: fr
          default: true
          name: Français
          build: true
        - locale: en
          name: English
          build: true
"""


def full_project(dest: Path) -> Path:
    """This project's configuration around ``dest/docs``."""
    site_build.copy_project(dest, docs=None)
    return dest / "mkdocs.yml"


def commit(project: Path, history: int = 0) -> None:
    """Make the project a git work tree, as a real checkout (the hooks read git history for the pages'
    dates and outdated translations): one commit of everything, then ``history`` commits that each
    change 1 % of the articles (a few lines appended), as writers do."""
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false"]
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "synthetic help center"]):
        subprocess.run(git + cmd, cwd=project, check=True, capture_output=True)
    articles = sorted((project / "docs").rglob("*.md"))
    rng = random.Random(11)
    for i in range(history):
        for md in rng.sample(articles, max(1, len(articles) // 100)):
            with md.open("a", encoding="utf-8") as f:
                f.write(f"\nRevision {i}.\n")
        for cmd in (["add", "-A"], ["commit", "-q", "-m", f"revision {i}"]):
            subprocess.run(git + cmd, cwd=project, check=True, capture_output=True)


def git_pass_seconds(project: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of this process and git, files dated) of the hooks' one git pass
    (helpcenter.history.load), best of 3."""
    from helpcenter.lifecycle import history
    best, best_cpu, files = float("inf"), float("inf"), 0
    for _ in range(3):
        before, start = os.times(), time.perf_counter()
        hist = history.load(project, "docs")
        wall, after = time.perf_counter() - start, os.times()
        cpu = sum(after[:4]) - sum(before[:4])      # user + system, ours and git's
        best, best_cpu, files = min(best, wall), min(best_cpu, cpu), len(hist.files)
    return best, best_cpu, files


def bare_project(dest: Path, docs: Path) -> Path:
    """Same content, except that the homes cannot use our home.html template."""
    shutil.copytree(docs, dest / "docs")
    for lang in LANGS:
        home = dest / "docs" / lang / "index.md"
        home.write_text(home.read_text(encoding="utf-8").replace("template: home.html\n", ""), encoding="utf-8")
    (dest / "mkdocs.yml").write_text(BARE_YML, encoding="utf-8")
    return dest / "mkdocs.yml"


# --- measures ----------------------------------------------------------------------------------

def env() -> dict:
    e = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true", PYTHONDONTWRITEBYTECODE="1")
    for name in ("KB_STATS_FILE", "KB_SITE_DIR", "KB_FEEDBACK_ENDPOINT", "KB_VIEWS_ENDPOINT"):
        e.pop(name, None)
    return e


def run_build(config: Path, site: Path, strict: bool, profile: Path | None = None, extra_env: dict | None = None):
    """(wall seconds, CPU seconds, peak RSS in MB, output) of one ``mkdocs build`` process."""
    cmd = [sys.executable]
    if profile:
        cmd += ["-m", "cProfile", "-o", str(profile)]
    cmd += ["-m", "mkdocs", "build", "--config-file", str(config), "--site-dir", str(site)]
    if strict:
        cmd.append("--strict")
    log = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=config.parent, env=dict(env(), **(extra_env or {})), stdout=log, stderr=log)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    log.seek(0)
    out = log.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise SystemExit(f"build of {config} failed:\n{out[-4000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


def is_redirect(page: Path) -> bool:
    with page.open("rb") as f:
        return b'http-equiv="refresh"' in f.read(600)


def site_figures(site: Path) -> dict:
    total = html = pages = stubs = 0
    for p in site.rglob("*"):
        if not p.is_file():
            continue
        size = p.stat().st_size
        total += size
        if p.suffix == ".html" and "assets" not in p.relative_to(site).parts and p.name != "404.html":
            if is_redirect(p):
                stubs += 1
            else:
                pages += 1
                html += size
    indexes = {}
    for lang in LANGS:
        index = site / ("" if lang == DEFAULT else lang) / "search" / "search_index.json"
        if index.is_file():
            data = index.read_bytes()
            indexes[lang] = (len(data), len(gzip.compress(data, 6)))
    return {"total": total, "html": html, "pages": pages, "stubs": stubs, "indexes": indexes}


def mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def linkcheck_figures(site: Path, project: Path) -> str:
    try:
        from helpcenter.links import linkcheck
    except ImportError:
        return "link check: scripts/helpcenter/links/linkcheck.py not available"
    start = time.perf_counter()
    report = linkcheck.check_site(site, project / "docs", LANGS, DEFAULT, root=project)
    seconds = time.perf_counter() - start
    return (f"link check: {report.pages} pages, {report.links} links in {seconds:.1f} s = "
            f"{report.pages / seconds:.0f} pages/s, {len(report.problems)} problem(s)")


def bench(n: int, work: Path, args) -> dict:
    docs = work / "full" / "docs"
    start = time.perf_counter()
    words = generate(docs, n)
    print(f"\n== N = {n} articles per language ({words} words per article on average; "
          f"generated in {time.perf_counter() - start:.1f} s)", flush=True)
    results = {}
    for kind in ("bare", "full"):
        if args.only and kind != args.only:
            continue
        project = work / kind
        config = full_project(project) if kind == "full" else bare_project(project, docs)
        if kind == "full":
            commit(project, args.history)
        site = work / f"site-{kind}"
        profile = Path(args.profile) if args.profile and kind == "full" else None
        wall, cpu, rss, out = run_build(config, site, strict=kind == "full", profile=profile)
        fig = site_figures(site)
        warnings = sum(1 for line in out.splitlines() if line.startswith("WARNING"))
        results[kind] = dict(fig, wall=wall, cpu=cpu, rss=rss, warnings=warnings, site=site, project=project)
        ms = 1000 * wall / fig["pages"]
        idx = ", ".join(f"{lang} {mb(raw)} raw / {mb(gz)} gzip" for lang, (raw, gz) in fig["indexes"].items())
        print(f"{kind:5} {wall:7.1f} s (CPU {cpu:.1f} s)  {ms:5.1f} ms/page  {fig['pages']} pages (+{fig['stubs']} redirect stubs)  "
              f"peak {rss:.0f} MB  site {mb(fig['total'])}  HTML {fig['html'] / fig['pages'] / 1e3:.1f} KB/page  "
              f"warnings {warnings}", flush=True)
        print(f"      search index: {idx}", flush=True)
        if kind == "full":
            seconds, git_cpu, files = git_pass_seconds(project)
            results[kind]["git"] = seconds
            print(f"      dates from git (one log pass, {args.history + 1} commits, {files} files): {seconds:.2f} s "
                  f"(CPU {git_cpu:.2f} s) = {100 * seconds / wall:.1f} % of the build's wall time, "
                  f"{100 * git_cpu / cpu:.1f} % of its CPU time", flush=True)
    if "full" in results and "bare" in results:
        print(f"ratio full/bare: {results['full']['wall'] / results['bare']['wall']:.2f} wall, "
              f"{results['full']['cpu'] / results['bare']['cpu']:.2f} CPU", flush=True)
    if "full" in results and args.parallel:
        site = work / "site-parallel"
        start = time.perf_counter()
        proc = site_build.build_site(results["full"]["project"] / "mkdocs.yml", site, parallel=True,
                                   precompress=False)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"parallel build failed:\n{proc.stderr[-4000:]}")
        same = same_site(results["full"]["site"], site)
        print(f"parallel {wall:5.1f} s  (one process per language; {results['full']['wall'] / wall:.2f}x faster "
              f"than the full build; output {'identical' if same else 'DIFFERENT'})", flush=True)
    if "full" in results:
        from serving.precompress import precompress
        start = time.perf_counter()
        count = precompress(results["full"]["site"])
        wall = time.perf_counter() - start
        gz = sum(p.stat().st_size for p in results["full"]["site"].rglob("*.gz"))
        print(f"precompress (docs.py build writes x.gz for nginx's gzip_static): {count} files in {wall:.1f} s, "
              f"{mb(gz)} of .gz", flush=True)
    if "full" in results and not args.no_linkcheck and n == max(args.sizes):
        print(linkcheck_figures(results["full"]["site"], results["full"]["project"]), flush=True)
    if args.profile and "full" in results:
        print_profile(Path(args.profile))
    return results


def same_site(a: Path, b: Path) -> bool:
    """Same files with the same bytes (sitemap.xml.gz: same content, its gzip header has a time)."""
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    if files_a != files_b:
        return False
    for rel in files_a:
        x, y = (a / rel).read_bytes(), (b / rel).read_bytes()
        if rel.suffix == ".gz":
            x, y = gzip.decompress(x), gzip.decompress(y)
        if x != y:
            return False
    return True


def print_profile(path: Path, limit: int = 25) -> None:
    import pstats
    stats = pstats.Stats(str(path))
    print(f"\nprofile of the full build ({path}), by cumulative time:")
    stats.sort_stats("cumulative").print_stats(limit)
    print("our code (hooks and scripts/helpcenter), by cumulative time:")
    stats.sort_stats("cumulative").print_stats(r"mkdocs_hooks|helpcenter", limit)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[200, 2000],
                        help="articles per language, comma-separated (default 200,2000)")
    parser.add_argument("--only", choices=("full", "bare"))
    parser.add_argument("--profile", help="write a cProfile of the full build to this file and print its top")
    parser.add_argument("--no-linkcheck", action="store_true")
    parser.add_argument("--parallel", action="store_true",
                        help="also build with one process per language (docs.py build --parallel) and compare")
    parser.add_argument("--history", type=int, default=200,
                        help="commits after the first one, each changing 1 %% of the articles (default 200)")
    parser.add_argument("--keep", help="keep the generated projects and sites in this folder")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    summary = {}
    for n in args.sizes:
        if args.keep:
            work = Path(args.keep) / f"n{n}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            summary[n] = bench(n, work, args)
        else:
            with tempfile.TemporaryDirectory(prefix=f"kb-bench-{n}-") as tmp:
                summary[n] = bench(n, Path(tmp), args)
    if len(summary) > 1:
        small, large = min(summary), max(summary)
        print("\nsummary")
        print(f"{'N':>6} {'kind':5} {'wall s':>7} {'CPU s':>7} {'ms/page':>8} {'peak MB':>8} {'site MB':>8} "
              f"{'KB HTML/page':>12}")
        for n, results in sorted(summary.items()):
            for kind, r in results.items():
                print(f"{n:>6} {kind:5} {r['wall']:7.1f} {r['cpu']:7.1f} {1000 * r['wall'] / r['pages']:8.1f} {r['rss']:8.0f} "
                      f"{r['total'] / 1e6:8.1f} {r['html'] / r['pages'] / 1e3:12.1f}")
        for kind in ("full", "bare"):
            if kind in summary[small] and kind in summary[large]:
                a, b = summary[small][kind], summary[large][kind]
                growth = (b["wall"] / b["pages"]) / (a["wall"] / a["pages"])
                print(f"{kind}: ms/page at N={large} / at N={small} = {growth:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
