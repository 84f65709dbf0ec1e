#!/usr/bin/env python3
"""The writers' and maintainers' command line, as the README calls it: ``python scripts/docs.py …``.

A thin wrapper: the commands live in ``scripts/cli/`` (``main.py`` lists them; ``python scripts/docs.py
--help``); ``pip install -e .`` also installs them as ``kb-docs``.
"""
import sys

from cli.main import main

if __name__ == "__main__":
    sys.exit(main())
