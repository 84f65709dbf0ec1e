"""Domain logic of the ProAbono help center: plain Python, no MkDocs import (tests/test_layering.py).

Modules, one concept each:

Content and its checks
- problems:      the Problem record every check reports (file, line, message, what to do)
- frontmatter:   reading and validating the YAML front matter of a Markdown file
- fences:        fenced code blocks, which every content check skips
- symlinks:      symbolic links in docs/ must stay inside the project
- glossary:      one form per product term, variants refused
- catalogue:     the articles and categories of every language, and their consistency
- content:       the catalogue with the checks that build on it (aliases, snippets, drafts' links): what
                 every command loads
- snippets:      shared text, once per language (docs/<lang>/_snippets/)
- publication:   draft / unlisted / published
- scaffold:      a new article in every language

Translation and upkeep
- history:       what git knows about each file (first and last commit)
- parity:        does each translation still match its French source
- translated:    the translators' "matches that version" record
- review:        review dates and owners (stale articles)
- support:       incomplete articles and the contextual "Contact support" link

What readers see
- strings:       interface strings in French and English
- typography:    French typography of rendered pages
- related:       "related articles" ranking
- popular:       "popular articles" ranking (the one popularity formula)
- links:         short links by id and redirects from old paths (aliases)
- seo:           canonical URL, hreflang, Open Graph, JSON-LD, robots
- footer:        product name, support and legal links
- searchindex:   language-scoped search index; synonyms: the words readers type
- agents:        the support agents' lookup page data
- assets:        our stylesheet and script as served (minified)
- export:        files the build writes for other programs

The built site's links
- linkcheck:     site-level link check over the built HTML (links, anchors, language switch, sitemap)
- htmlpages:     the ids and links of one built HTML page (regex extraction) for the link check
- linksource:    the Markdown file and line a built page's link is written at
- externallinks: external links, checked on demand
"""
