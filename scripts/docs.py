#!/usr/bin/env python3
"""Writers' and maintainers' command line for the help center.

    python scripts/docs.py build [--site-dir DIR] [--config FILE]   strict build, atomic swap
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))


def build_site(config: Path, site_dir: Path, quiet: bool = False) -> subprocess.CompletedProcess:
    """Build into a temporary folder next to ``site_dir``; replace ``site_dir`` only on success.

    ``--strict`` without ``-q``: quiet mode drops warnings before MkDocs counts them, so a strict
    quiet build would pass with broken links.
    """
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".kb-build-{site_dir.name}-", dir=site_dir.parent))
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
           "--site-dir", str(tmp)]
    proc = subprocess.run(cmd, cwd=config.parent, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        return proc
    old = site_dir.with_name(f".kb-build-{site_dir.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(old)
    tmp.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
    return proc


def cmd_build(args) -> int:
    proc = build_site(Path(args.config).resolve(), Path(args.site_dir))
    out = (proc.stdout + proc.stderr).strip()
    lines = [l for l in out.splitlines() if "WARNING" in l or "ERROR" in l or "Aborted" in l or "Error" in l]
    if proc.returncode != 0:
        print("\n".join(lines) or out, file=sys.stderr)
        print(f"build failed: {args.site_dir} was left as it was", file=sys.stderr)
        return 1
    print(f"built {args.site_dir}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="docs.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="strict build into site/, replacing it only when the build succeeds")
    p.add_argument("--site-dir", default=str(ROOT / "site"))
    p.add_argument("--config", default=str(ROOT / "mkdocs.yml"))
    p.set_defaults(func=cmd_build)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
