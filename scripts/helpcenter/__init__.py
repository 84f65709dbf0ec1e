"""Domain logic of the ProAbono help center: plain Python, no MkDocs import (tests/test_layering.py).

Rooms, from the floor up (a room imports only the rooms below it; the test keeps it so):

- source/       the files as writers wrote them: ``Problem`` (file, line, message, what to do), front
                matter, fenced code, snippets, symbolic links
- language/     the two languages' rules: interface strings, French typography, the glossary
- articles/     the catalogue: articles and categories of every language, and their consistency
- lifecycle/    what git says: first and last commit of each file, review dates and owners
- translation/  does each translation match its French source; the translators' "matches" record
- links/        stable links (short links, aliases: ``redirects``), drafts' links (``publication``), and
                the site-level link check of the built HTML (linkcheck, htmlpages, linksource, externallinks)
- search/       the language-scoped search index, the synonyms readers type, the worker's fix-ups
- ranking/      related and popular articles (the one popularity formula)
- pages/        what a built page shows besides the article: SEO, footer, support link, the agents'
                page, our assets, the files written for other programs

And above every room:

- content.py    the catalogue with the checks built on it (aliases, snippets, drafts' links): what every
                command loads
- scaffold.py   a new article in every language (``docs.py new``)
"""
