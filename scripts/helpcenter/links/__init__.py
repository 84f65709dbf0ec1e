"""Links: short links and aliases (redirects), links to drafts (publication), and the site-level link
check of the built HTML (linkcheck, htmlpages: a page's ids and links, linksource: the Markdown line a
link is written at, externallinks: on demand)."""
