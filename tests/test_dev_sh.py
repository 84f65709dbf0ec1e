"""scripts/dev.sh, the README's two commands, with options: what follows `serve` reaches the preview."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from fixtures import tiny_project
from test_preview_server import TIMEOUT, free_port


def test_dev_sh_serve_passes_addr_and_one_process_on(tmp_path):
    """`bash scripts/dev.sh serve --addr HOST:PORT --one-process` (the README's command with options) serves
    on that address, in one process: neither option is dropped on the way."""
    project = tiny_project(tmp_path / "project")
    root = Path(__file__).resolve().parent.parent
    # the project's venv stands in for the one dev.sh would create (same requirements: nothing to install)
    venv = Path(sys.prefix)
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / ".venv" / "bin" / "python").symlink_to(venv / "bin" / "python")
    (project / ".venv" / "lib").symlink_to(venv / "lib")
    shutil.copy2(venv / "pyvenv.cfg", project / ".venv" / "pyvenv.cfg")
    for name in ("requirements.txt", "requirements-dev.txt", "pyproject.toml"):
        shutil.copy2(root / name, project / name)
    digest = hashlib.sha256(b"".join((project / n).read_bytes() for n in
                                     ("requirements-dev.txt", "requirements.txt", "pyproject.toml"))).hexdigest()
    (project / ".venv" / ".installed-requirements.txt").write_text(digest + "\n")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "KB_ADDR"}
    proc = subprocess.Popen(["bash", "scripts/dev.sh", "serve", "--addr", f"127.0.0.1:{port}", "--one-process"],
                            cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(l.rstrip("\n") for l in proc.stdout), daemon=True).start()
    try:
        deadline = time.monotonic() + TIMEOUT
        while not any("serving on" in l for l in lines):
            assert proc.poll() is None and time.monotonic() < deadline, "\n".join(lines)
            time.sleep(0.2)
        assert any(f"serving on http://127.0.0.1:{port}/" in l for l in lines), lines
        assert not any("one process per language" in l for l in lines), lines      # --one-process reached it
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/settings/alpha/", timeout=60) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
