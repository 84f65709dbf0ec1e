#!/usr/bin/env python3
"""Preview benchmark: how long a writer waits between a save and the page showing it. Not a test.

    python scripts/bench/bench_preview.py                      # N = 200 and 2,000 articles per language
    python scripts/bench/bench_preview.py --sizes 200 --body 5 --title 2 --new 1
    options: --rename K, --delete K (renames and deletions of the new articles; default: --new),
             --ref-max K (edits of each kind for plain `mkdocs serve`; default: all at N <= 500, else 2
             body, 1 title, 1 new, since each of its saves rebuilds everything), --no-reference,
             --one-process (also the preview with --one-process, one build process instead of one per
             language), --pause S (seconds between saves, as a writer types; default 1), --keep DIR

For every N it generates the synthetic help center of scripts/bench/bench_build.py (N articles per
language, this project's full configuration, a git work tree), then, for the preview
(``scripts/docs.py serve``: one process per language on a machine with several cores) and for plain
``mkdocs serve`` of the same project (what ``dev.sh serve`` ran before the preview; measured in the
same run as the reference):

- time to first page: from the start of the process to the first answer of the home page;
- save-to-visible, p50 and p95: from the moment a file is written to the moment the served HTML (as
  a browser fetches it, by polling every 50 ms) holds the new text, for body edits (a new paragraph
  in an article), title edits (the article page shows the new title) and new articles (both
  languages written, the new page answers with its title);
- peak memory of the server's processes together (its own, its languages' and the related-articles
  ranking's): the sum of their proportional set sizes (PSS: a page shared by two processes counts
  half in each), sampled every 0.5 s.

It prints the figures and the ratio plain/preview. Edits go to different articles, both languages.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]      # the repository
from bench import bench_build

POLL = 0.05


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout):
        return 0, ""


def wait_for(url: str, text: str | None, timeout: float, proc: subprocess.Popen) -> float:
    """Poll ``url`` until it answers 200 (and holds ``text``); returns the time it took."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        code, body = fetch(url)
        if code == 200 and (text is None or text in body):
            return time.perf_counter() - start
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        time.sleep(POLL)
    raise TimeoutError(f"{url} did not show {text!r} within {timeout:.0f} s")


def wait_gone(url: str, timeout: float, proc: subprocess.Popen) -> float:
    """Poll ``url`` until it answers 404; returns the time it took."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if fetch(url)[0] == 404:
            return time.perf_counter() - start
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        time.sleep(POLL)
    raise TimeoutError(f"{url} still answers after {timeout:.0f} s")


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def tree_mb(pid: int) -> float:
    """Memory of ``pid`` and its descendants: the sum of their PSS, in MB."""
    total = 0
    for p in process_tree(pid):
        try:
            m = re.search(r"^Pss:\s+(\d+) kB", Path(f"/proc/{p}/smaps_rollup").read_text(), re.M)
        except OSError:
            continue
        total += int(m.group(1)) if m else 0
    return total / 1024


class PeakMemory(threading.Thread):
    """Samples ``tree_mb`` every 0.5 s while the server runs; ``peak`` is the highest."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self):
        while not self.stop.wait(0.5):
            self.peak = max(self.peak, tree_mb(self.pid))


def url_of(lang: str, path: str) -> str:
    return ("" if lang == bench_build.DEFAULT else f"{lang}/") + path[:-3] + "/"


def set_title(md: Path, title: str) -> None:
    text = md.read_text(encoding="utf-8")
    md.write_text(re.sub(r'^title: .*$', f'title: "{title}"', text, count=1, flags=re.M), encoding="utf-8")


def new_article(docs: Path, i: int, token: str) -> str:
    path = f"cat-01/bench-new-{i}.md"
    for lang in bench_build.LANGS:
        (docs / lang / path).write_text(
            f'---\nid: {90000 + i}\ntitle: "{token} {lang}"\n'
            f'description: "A new article written during the benchmark, number {i}, in {lang}."\n---\n\n'
            f"Body of {token}.\n\n## Section {{#section}}\n\nText.\n", encoding="utf-8")
    return path


def rename_article(docs: Path, i: int, token: str) -> str:
    """The benchmark's new article ``i`` renamed in both languages (its title changed too, to see it)."""
    old, new = f"cat-01/bench-new-{i}.md", f"cat-01/bench-renamed-{i}.md"
    for lang in bench_build.LANGS:
        text = (docs / lang / old).read_text(encoding="utf-8")
        (docs / lang / new).write_text(re.sub(r'^title: .*$', f'title: "{token} {lang}"', text, count=1, flags=re.M),
                                       encoding="utf-8")
        (docs / lang / old).unlink()
    return new


def session(kind: str, project: Path, n: int, counts: dict, timeout: float, pause: float) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    env = bench_build.env()
    if kind.startswith("preview"):
        cmd = [sys.executable, str(project / "scripts/docs.py"), "serve", "--addr", f"127.0.0.1:{port}",
               "--config", str(project / "mkdocs.yml")] + (["--one-process"] if "one" in kind else [])
    else:
        cmd = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "--livereload",
               "-f", str(project / "mkdocs.yml")]
    log = open(project.parent / f"{kind.replace(' ', '-')}.log", "w")
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT)
    memory = PeakMemory(proc.pid)
    memory.start()
    out = {"kind": kind, **{key: [] for key in KINDS}}
    try:
        wait_for(base, None, timeout, proc)
        out["first"] = time.perf_counter() - start
        progress(kind, "first page", out["first"])
        docs = project / "docs"
        time.sleep(pause)
        for k in range(counts["body"]):
            lang = bench_build.LANGS[k % 2]
            path = bench_build.article_path(1 + (k * 37) % n)
            token = f"bench{kind}body{k}x{int(time.time() * 1000)}"
            md = docs / lang / path
            md.write_text(md.read_text(encoding="utf-8") + f"\n{token} paragraph.\n", encoding="utf-8")
            out["body"].append(wait_for(base + url_of(lang, path), token, timeout, proc))
            progress(kind, "body", out["body"][-1])
            time.sleep(pause)
        for k in range(counts["title"]):
            lang = bench_build.LANGS[k % 2]
            path = bench_build.article_path(1 + (k * 53 + 11) % n)
            token = f"Bench {kind} title {k} {int(time.time() * 1000)}"
            set_title(docs / lang / path, token)
            out["title"].append(wait_for(base + url_of(lang, path), token, timeout, proc))
            progress(kind, "title", out["title"][-1])
            time.sleep(pause)
        for k in range(counts["new"]):
            token = f"Bench {kind} new {k} {int(time.time() * 1000)}"
            t0 = time.perf_counter()
            path = new_article(docs, k, token)
            wait_for(base + url_of("en", path), f"{token} en", timeout, proc)
            out["new"].append(time.perf_counter() - t0)
            progress(kind, "new", out["new"][-1])
            time.sleep(pause)
        for k in range(min(counts.get("rename", 0), counts["new"])):
            token = f"Bench {kind} renamed {k} {int(time.time() * 1000)}"
            t0 = time.perf_counter()
            path = rename_article(docs, k, token)
            wait_for(base + url_of("en", path), f"{token} en", timeout, proc)
            out["rename"].append(time.perf_counter() - t0)
            progress(kind, "rename", out["rename"][-1])
            time.sleep(pause)
        for k in range(min(counts.get("delete", 0), counts["new"])):
            path = f"cat-01/bench-{'renamed' if k < counts.get('rename', 0) else 'new'}-{k}.md"
            t0 = time.perf_counter()
            for lang in bench_build.LANGS:
                (docs / lang / path).unlink()
            wait_gone(base + url_of("en", path), timeout, proc)
            out["delete"].append(time.perf_counter() - t0)
            progress(kind, "delete", out["delete"][-1])
            time.sleep(pause)
        memory.stop.set()
        memory.join()
        out["peak_mb"] = max(memory.peak, tree_mb(proc.pid))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    return out


def progress(kind: str, what: str, seconds: float) -> None:
    print(f"  ({kind}: {what} {seconds:.2f} s, load average {os.getloadavg()[0]:.1f})", flush=True)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]


def fmt(values: list[float]) -> str:
    if not values:
        return "—"
    return f"p50 {statistics.median(values):.2f} s, p95 {pct(values, .95):.2f} s (n={len(values)})"


KINDS = ("body", "title", "new", "rename", "delete")


def show(r: dict) -> None:
    saves = " | ".join(f"{key} {fmt(r[key])}" for key in KINDS if r[key])
    print(f"  {r['kind']:<19} first page {r['first']:.1f} s | {saves} | peak {r['peak_mb']:.0f} MB", flush=True)


def make_project(work: Path, name: str, docs: Path) -> Path:
    project = work / name
    bench_build.full_project(project)
    shutil.copytree(docs, project / "docs")
    bench_build.commit(project)
    return project


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="200,2000")
    p.add_argument("--body", type=int, default=20)
    p.add_argument("--title", type=int, default=5)
    p.add_argument("--new", type=int, default=2)
    p.add_argument("--rename", type=int, default=None, help="renames of the new articles (default: --new)")
    p.add_argument("--delete", type=int, default=None, help="deletions of them (default: --new)")
    p.add_argument("--ref-max", type=int, default=None)
    p.add_argument("--no-reference", action="store_true")
    p.add_argument("--one-process", action="store_true")
    p.add_argument("--pause", type=float, default=1.0)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--keep", type=Path)
    args = p.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="kb-bench-preview-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f} (other jobs share the machine)",
          flush=True)
    try:
        for n in [int(x) for x in args.sizes.split(",")]:
            docs = work / f"docs-{n}"
            shutil.rmtree(docs, ignore_errors=True)
            bench_build.generate(docs, n)
            counts = {"body": args.body, "title": args.title, "new": args.new,
                      "rename": args.new if args.rename is None else args.rename,
                      "delete": args.new if args.delete is None else args.delete}
            results = [session("preview", make_project(work, f"preview-{n}", docs), n, counts, args.timeout, args.pause)]
            show(results[0])
            if args.one_process:
                one = session("preview one process", make_project(work, f"preview-one-{n}", docs), n, counts,
                              args.timeout, args.pause)
                show(one)
            if not args.no_reference:
                k = args.ref_max if args.ref_max is not None else (10**6 if n <= 500 else None)
                ref = {"body": min(counts["body"], k if k else 2), "title": min(counts["title"], k if k else 1),
                       "new": min(counts["new"], k if k else 1), "rename": 0, "delete": 0}
                results.append(session("mkdocs serve", make_project(work, f"plain-{n}", docs), n, ref,
                                       args.timeout, args.pause))
                show(results[1])
            print(f"\nN = {n} articles per language ({2 * n} articles), load average {os.getloadavg()[0]:.1f}")
            for r in results + ([one] if args.one_process else []):
                show(r)
            if args.one_process and one["new"] and results[0]["new"]:
                print(f"  new article (a full build): one process / a process per language (p50) = "
                      f"{statistics.median(one['new']) / statistics.median(results[0]['new']):.2f}x")
            if len(results) == 2:
                pv, ref = results
                for key in KINDS:
                    if pv[key] and ref[key]:
                        print(f"  {key}: mkdocs serve / preview (p50) = "
                              f"{statistics.median(ref[key]) / statistics.median(pv[key]):.1f}x")
            if n >= 2000:
                pv = results[0]
                met = {key: f"p50 <= 1 s: {statistics.median(pv[key]) <= 1}, p95 <= 2 s: {pct(pv[key], .95) <= 2}"
                       for key in KINDS if pv[key]}
                print("  targets at 2,000/lang: " + "; ".join(f"{k} {v}" for k, v in met.items())
                      + f"; memory <= 1.5 GB: {pv['peak_mb'] <= 1536}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
