"""Domain logic of the ProAbono help center: plain Python, no MkDocs import.

Modules, one concept each:
- problems:    the Problem record every check reports (file, line, message, what to do)
- frontmatter: reading and validating the YAML front matter of a Markdown file
- catalogue:   the articles and categories of every language, and their consistency
- content:     the catalogue with the checks that build on it (aliases, snippets, drafts' links): what
               every command loads
- strings:     interface strings in French and English
- related:     "related articles" ranking
- popular:     "popular articles" ranking
- linkcheck:   site-level link check over the built HTML (links, anchors, language switch, sitemap)
- htmlpages:   the ids and links of one built HTML page (regex extraction) for the link check
- linksource:  the Markdown file and line a built page's link is written at
- externallinks: external links, checked on demand
"""
