#!/usr/bin/env bash
# One entry point for a fresh Debian machine with Python 3.11:
#   bash scripts/dev.sh serve [--addr HOST:PORT] [--one-process]
#                               install what the site needs, serve it at http://127.0.0.1:8000 (live reload;
#                               a save re-renders only the pages it changes, one process per language on
#                               2 cores or more: scripts/preview/)
#   bash scripts/dev.sh build [--one-process]
#                               install what the site needs, build it into site/ (strict, atomic; one
#                               process per language when the machine has 2 cores or more)
#   bash scripts/dev.sh test    install everything (Python packages, Debian chromium, postgresql, nginx, sqlite3), run all tests
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_MKDOCS_2_WARNING=1 DISABLE_MKDOCS_2_WARNING=true PYTHONDONTWRITEBYTECODE=1

apt_install() {  # apt_install <command-to-test> <package>...: install Debian packages when missing
  local probe=$1; shift
  if ! command -v "$probe" >/dev/null 2>&1 && ! [ -x "$probe" ]; then
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
  fi
}

venv() {  # venv <requirements file>: create .venv and install pinned packages when they changed
  local req=$1 stamp=.venv/.installed-$(basename "$1")
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv 2>/dev/null || { apt_install /usr/share/doc/python3-venv python3-venv; python3 -m venv .venv; }
  fi
  local sum; sum=$(cat requirements*.txt pyproject.toml | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check -r "$req"
    # our own code, installed in place (scripts/: cli, sitebuild, helpcenter, preview, feedback, serving)
    .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
    echo "$sum" > "$stamp"
  fi
}

case "${1:-}" in
  serve)
    venv requirements.txt
    shift
    # KB_ADDR, then what follows `serve` (--addr HOST:PORT, --one-process, --config FILE): the last --addr wins
    exec .venv/bin/python scripts/docs.py serve --addr "${KB_ADDR:-127.0.0.1:8000}" "$@" ;;
  build)
    venv requirements.txt
    parallel=()
    if [ "${2:-}" != "--one-process" ] && [ "$(nproc 2>/dev/null || echo 1)" -ge 2 ]; then parallel=(--parallel); fi
    exec .venv/bin/python scripts/docs.py build "${parallel[@]}" ;;
  test)
    apt_install /usr/bin/chromium chromium
    apt_install /usr/sbin/nginx nginx
    apt_install sqlite3 sqlite3
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || apt_install /nonexistent postgresql
    venv requirements-dev.txt
    shift
    exec .venv/bin/python -m pytest -n 2 "$@" ;;
  *)
    echo "usage: bash scripts/dev.sh serve [--addr HOST:PORT] [--one-process] | build [--one-process] | test [pytest args]" >&2; exit 2 ;;
esac
