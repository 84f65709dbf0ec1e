"""Building the site with MkDocs: what the command line, the preview, the tests and the benchmarks share.

- ``build.py``: the strict, atomic build (one process, or one per language merged), the project's
  configuration read from mkdocs.yml, a copy of the project for tests and benchmarks;
- ``warnings.py``: MkDocs' warnings turned into ``file:line: message (fix: …)`` problems;
- ``sidebar.py``: the side navigation cut to a category's first articles (used by the hooks).
"""
