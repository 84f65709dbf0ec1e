"""The layering the developers' guide sets: the packages under scripts/ import one way (no cycle, also
not through an import inside a function), and the domain packages never import MkDocs."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

SCRIPTS = ROOT / "scripts"
PACKAGES = ("helpcenter", "feedback", "preview", "serving")
PURE = ("helpcenter", "feedback")          # no MkDocs: importable by the collector, the CLI and the tests


def imports(path: Path, package: str) -> set[tuple[str, str]]:
    """(package, module) of ours that ``path`` imports, wherever the import statement is."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                found |= {(package, node.module.split(".")[0])} if node.module else \
                    {(package, a.name) for a in node.names}
            elif node.module and node.module.split(".")[0] in PACKAGES:
                parts = node.module.split(".")
                found |= {(parts[0], parts[1])} if len(parts) > 1 else {(parts[0], a.name) for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {tuple(a.name.split(".")[:2]) for a in node.names
                      if a.name.split(".")[0] in PACKAGES and "." in a.name}
    return found


def graph() -> dict[tuple[str, str], set[tuple[str, str]]]:
    modules = {(p, f.stem): f for p in PACKAGES for f in (SCRIPTS / p).glob("*.py")}
    return {m: {d for d in imports(f, m[0]) if d in modules and d != m} for m, f in modules.items()}


def test_no_import_cycle_between_our_modules():
    deps, state, cycles = graph(), {}, []

    def visit(module, path):
        state[module] = "open"
        for dep in sorted(deps[module]):
            if state.get(dep) == "open":
                cycles.append(" -> ".join(".".join(m) for m in path[path.index(dep):] + [dep]))
            elif dep not in state:
                visit(dep, path + [dep])
        state[module] = "done"

    for module in sorted(deps):
        if module not in state:
            visit(module, [module])
    assert not cycles, "import cycles (fix: move what both need into a third module):\n" + "\n".join(cycles)
    assert deps[("helpcenter", "content")] >= {("helpcenter", "catalogue"), ("helpcenter", "links")}


def test_the_graph_sees_imports_inside_functions(tmp_path):
    """The check above would be blind if it only read module-level imports."""
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from .catalogue import Catalogue\n    from helpcenter.links import x\n")
    assert imports(f, "helpcenter") == {("helpcenter", "catalogue"), ("helpcenter", "links")}


@pytest.mark.parametrize("package", PURE)
def test_domain_packages_do_not_import_mkdocs(package):
    for f in sorted((SCRIPTS / package).glob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n == "mkdocs" or n.startswith(("mkdocs.", "material")) for n in names), f
