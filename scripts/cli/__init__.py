"""The writers' and maintainers' command line (``python scripts/docs.py`` / ``kb-docs``): ``main.py``
parses, one module per group of verbs does the work. Building goes through ``sitebuild``."""
