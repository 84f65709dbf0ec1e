"""The layering the developers' guide and ARCHITECTURE.md set, read from the code's imports (inside
functions too):

- no import cycle between our modules, between our top-level packages (the command line ``cli`` and
  ``docs.py`` included) nor between the sub-packages of ``helpcenter``;
- the preview builds through ``sitebuild``, never through the command line;
- the domain packages (``helpcenter``, ``feedback``) never import MkDocs;
- no file edits ``sys.path`` (the code is an installed package: ``pip install -e .``);
- no source file over 500 lines.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

SCRIPTS = ROOT / "scripts"
PACKAGES = ("cli", "sitebuild", "helpcenter", "preview", "feedback", "serving", "bench", "importer")
TOP_MODULES = ("docs", "mkdocs_hooks")     # scripts/docs.py (the README's entry point), the MkDocs hooks
PURE = ("helpcenter", "feedback", "importer")   # no MkDocs: importable by the collector, the CLI and the tests
MAX_LINES = 500


def module_name(path: Path) -> str:
    """Dotted name of a file under scripts/, e.g. 'helpcenter.links.linkcheck', 'preview'."""
    parts = list(path.relative_to(SCRIPTS).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules() -> dict[str, Path]:
    files = [f for p in PACKAGES for f in (SCRIPTS / p).rglob("*.py")]
    files += [SCRIPTS / f"{m}.py" for m in TOP_MODULES]
    return {module_name(f): f for f in files}


def imports(path: Path, name: str, known) -> set[str]:
    """Our modules that ``path`` (module ``name``) imports, wherever the import statement is: for
    ``from pkg import x`` the module ``pkg.x`` when it is one, else ``pkg``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in known else base)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    modules = our_modules()
    return {name: imports(path, name, modules) for name, path in modules.items()}


def collapse(deps: dict[str, set[str]], key) -> dict[str, set[str]]:
    """The graph of groups (``key(module)``), without a group's edges to itself."""
    out: dict[str, set[str]] = {}
    for module, targets in deps.items():
        out.setdefault(key(module), set()).update(key(t) for t in targets if key(t) != key(module))
    return out


def cycles(deps: dict[str, set[str]]) -> list[str]:
    state, found = {}, []

    def visit(node, path):
        state[node] = "open"
        for dep in sorted(deps.get(node, ())):
            if state.get(dep) == "open":
                found.append(" -> ".join(path[path.index(dep):] + [dep]))
            elif dep not in state:
                visit(dep, path + [dep])
        state[node] = "done"

    for node in sorted(deps):
        if node not in state:
            visit(node, [node])
    return found


def top(module: str) -> str:
    return module.split(".")[0]


def subpackage(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_no_import_cycle_between_our_modules():
    found = cycles(graph())
    assert not found, "import cycles (fix: move what both need into a third module):\n" + "\n".join(found)


def test_no_cycle_between_packages_and_the_command_line():
    deps = collapse(graph(), top)
    assert {"cli", "sitebuild", "helpcenter", "preview", "docs"} <= deps.keys()
    found = cycles(deps)
    assert not found, "packages that depend on each other:\n" + "\n".join(found)
    assert "cli" in deps["docs"]                       # docs.py is the command line's thin wrapper
    assert "sitebuild" in deps["preview"] and "sitebuild" in deps["cli"]


def test_the_preview_builds_through_sitebuild_never_through_the_command_line():
    deps = graph()
    for module in (m for m in deps if top(m) == "preview"):
        assert not {d for d in deps[module] if top(d) in ("cli", "docs")}, module


def test_no_cycle_between_the_rooms_of_helpcenter():
    deps = collapse({m: {d for d in ds if top(d) == "helpcenter"} for m, ds in graph().items()
                     if top(m) == "helpcenter"}, subpackage)
    assert {"helpcenter.source", "helpcenter.articles", "helpcenter.links", "helpcenter.pages"} <= deps.keys()
    found = cycles(deps)
    assert not found, "helpcenter sub-packages that depend on each other:\n" + "\n".join(found)
    assert not deps["helpcenter.source"] - {"helpcenter.source"}      # the floor: reads files, knows no room


def test_the_graph_sees_imports_inside_functions_and_relative_ones(tmp_path):
    """The checks above would be blind if they only read module-level or absolute imports."""
    known = {"helpcenter.articles.catalogue", "helpcenter.links", "helpcenter.links.redirects", "helpcenter.x"}
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from ..articles.catalogue import Catalogue\n"
                 "    from helpcenter.links import redirects\n")
    assert imports(f, "helpcenter.x.m", known) == {"helpcenter.articles.catalogue", "helpcenter.links.redirects"}


@pytest.mark.parametrize("package", PURE)
def test_domain_packages_do_not_import_mkdocs(package):
    for f in sorted((SCRIPTS / package).rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n == "mkdocs" or n.startswith(("mkdocs.", "material")) for n in names), f


def test_no_file_edits_sys_path():
    for f in sorted(list(SCRIPTS.rglob("*.py")) + list((ROOT / "tests").rglob("*.py"))):
        if f.resolve() == Path(__file__).resolve():
            continue
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "path" and \
                    isinstance(node.value, ast.Name) and node.value.id == "sys":
                pytest.fail(f"{f.relative_to(ROOT)}:{node.lineno}: uses sys.path (fix: import the installed "
                            "package; `pip install -e .` is done by scripts/dev.sh)")


def test_no_source_file_over_500_lines():
    long = [f"{f.relative_to(ROOT)}: {n} lines" for f in sorted(SCRIPTS.rglob("*.py"))
            if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not long, f"split by concept (at most {MAX_LINES} lines):\n" + "\n".join(long)
