"""Production serving of the built site (plain Python, no MkDocs import).

Modules: ``precompress`` (the ``.gz`` twin of every compressible file, written by ``docs.py build``),
``csp`` (the Content-Security-Policy the built pages need: their inline scripts' hashes, the other hosts
they load from), ``nginx`` (the nginx configuration for a single server: the site, its redirects and 404
pages, caching, security headers, the feedback collector under ``/api/``).
"""
