"""The old addresses only nginx can answer: WordPress's ``/?p=ID`` and ``/?page_id=ID`` forms, and old
paths that cannot be aliases (an English article's old path outside ``/en/``, a path with capitals or
encoded accents). Read from the mapping file, resolved against the built site's redirects (the short link
``/a/<id>/`` of each article gives its current address), written as two nginx ``map`` blocks and one
``if`` in the server block of ``docs.py nginx``'s configuration."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

_SAFE = re.compile(r"^/[A-Za-z0-9._~/%-]*$")


def targets(mapping: dict, redirects: dict[str, str], default: str = "fr") -> tuple[dict, dict]:
    """({"/:12:": "/en/settings/x/"}, {"/assistance/x/": "/en/settings/x/"}): query forms keyed as
    ``$uri:$arg_p:$arg_page_id``, and paths."""
    queries, paths = {}, {}
    for entry in mapping.get("sources", {}).values():
        for old, (lang, art_id) in entry.get("nginx", {}).items():
            short = f"/{'' if lang == default else lang + '/'}a/{int(art_id)}/"
            target = redirects.get(short)
            if not target or not _SAFE.match(target):
                continue                          # a draft: not built, no address yet
            parts = urlsplit(old)
            if parts.query:
                q = parse_qs(parts.query)
                p, page = (q.get("p") or [""])[0], (q.get("page_id") or [""])[0]
                if (p + page).isdigit() and not (p and page):
                    for uri in ("/", "/index.php"):
                        queries[f"{uri}:{p}:{page}"] = target
            elif _SAFE.match(old) and "//" not in old and "/../" not in old and old not in redirects:
                paths[old] = target
    return queries, paths


def add_to(config: str, queries: dict, paths: dict) -> str:
    """``docs.py nginx``'s configuration with the imported redirects."""
    if not queries and not paths:
        return config
    size = 1
    while size < 2 * (len(queries) + len(paths)) + 64:
        size *= 2
    sizes = ["# the imported redirects' maps below (nginx takes these before its first map)",
             f"map_hash_max_size {max(size, 2048)};", "map_hash_bucket_size 128;", ""]
    maps = ["# old addresses of the imported help center (scripts/docs.py nginx, from import-map.json)",
            'map "$uri:$arg_p:$arg_page_id" $kb_imported_query {', '    default "";']
    maps += [f'    "{k}" "{v}";' for k, v in sorted(queries.items())]
    maps += ["}", "map $uri $kb_imported_path {", '    default "";']
    maps += [f'    "{k}" "{v}";' for k, v in sorted(paths.items())]
    maps += ["}", ""]
    server = ["    # old addresses of the imported help center: ?p=ID, ?page_id=ID and old paths",
              '    if ($kb_imported_query != "") { return 301 $kb_imported_query; }',
              '    if ($kb_imported_path != "") { return 301 $kb_imported_path; }', ""]
    head, sep, rest = config.partition("server {\n")
    if not sep:
        raise ValueError("no server block in the configuration")
    lines = rest.split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("location "))
    return "\n".join(sizes) + "\n" + head + "\n".join(maps) + "\n" + sep + "\n".join(lines[:at] + server + lines[at:])
