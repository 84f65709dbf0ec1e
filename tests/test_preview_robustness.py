"""The preview on every core when a language's process ends under it (the OOM killer, a crash, ``kill -9``):
``ParallelSession`` starts a new one, which builds its language in full, and goes on; one that keeps ending
is no longer restarted, and the terminal says what to do. (tests/test_preview_server.py kills the process
of a real ``scripts/docs.py serve`` and checks that the next save shows.)

Here a hook of the test project ends the English process (``os._exit``) during every full build while
``docs/crash.txt`` exists: an ending during a command, the same at once in the process that replaces it,
the recovery once the cause is gone, and the end of the restarts.
"""
from __future__ import annotations

import subprocess

import pytest

from fixtures import tiny_project
from preview.parallel import ParallelSession

CRASH_HOOK = '''import os
from pathlib import Path


def on_config(config):
    if os.environ.get("KB_RENDER_ONLY") == "en" and (Path(config.config_file_path).parent / "docs/crash.txt").exists():
        os._exit(9)
'''


@pytest.fixture
def project(tmp_path):
    project = tiny_project(tmp_path / "project")
    (project / "crash_hook.py").write_text(CRASH_HOOK, encoding="utf-8")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "hooks:\n  - scripts/mkdocs_hooks.py\n" in text
    config.write_text(text.replace("hooks:\n  - scripts/mkdocs_hooks.py\n",
                                   "hooks:\n  - scripts/mkdocs_hooks.py\n  - crash_hook.py\n"), encoding="utf-8")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "content"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=project, check=True,
                       capture_output=True)
    return project


def test_a_language_process_that_ends_is_replaced_until_it_ends_too_often(project, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(ParallelSession, "WINDOW", 3600.0)     # three endings "within a minute" on a slow machine
    out = tmp_path / "out"
    session = ParallelSession(project / "mkdocs.yml", out)
    crash = project / "docs/crash.txt"
    page = out / "site/en/settings/alpha/index.html"
    try:
        assert session.full().kind == "full" and page.is_file()
        first = session.workers[1].process.pid

        # it ends during an update; its successor ends too during its own full build: nothing published
        crash.write_text("crash", encoding="utf-8")
        result = session.apply([crash])
        said = capsys.readouterr().out
        assert result.kind == "error" and any("the en process ended" in e for e in result.errors), result
        assert "preview: the en process ended (exit status 9); starting a new one, which builds en in full" in said
        assert page.is_file()                                  # the last good pages stay served

        # the cause gone, the next save starts a new one again, which builds English, and the preview goes on
        crash.unlink()
        result = session.apply([crash])
        said = capsys.readouterr().out
        assert result.kind == "full" and not result.errors, result
        assert "the en process was restarted: full build of en" in said, said
        assert session.workers[1].process.pid != first and session.workers[1].alive
        assert page.is_file() and not session.errors
        assert len(list((out / "en").glob("build-*"))) == 1    # the ended processes' builds are removed

        # a third ending: no longer restarted, said plainly, and every save says what to do
        crash.write_text("crash", encoding="utf-8")
        result = session.apply([crash])
        said = capsys.readouterr().out
        assert "the en process ended again (exit status 9), 3 times within 3600 s: it is NOT restarted" in said
        assert "Stop the preview (Ctrl+C) and start it again" in said
        assert result.kind == "error" and any("restart the preview" in e for e in result.errors), result
        result = session.apply([crash])
        assert result.kind == "error" and "starting a new one" not in capsys.readouterr().out
        assert page.is_file()
    finally:
        session.close()
