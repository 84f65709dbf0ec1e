"""Writers' preview (``scripts/docs.py serve``): one full build kept in memory, then on each save
only the pages that show what changed are re-rendered, with MkDocs' own rendering and live reload.

    build.py       the full build, in process, and what it keeps (files, navigation, templates)
    dependents.py  what a change needs: a full build, a change of structure, or exactly which pages
    structure.py   articles added, deleted, renamed (id, aliases, status): files and navigation again
    render.py      re-rendering pages and the search index of a kept build
    session.py     the preview's state; applies changes; keeps the last good pages on problems
    parallel.py    the same on every core: one session per language, each in its own process
    server.py      MkDocs' live-reload server serving it, with problems shown in the page
"""
