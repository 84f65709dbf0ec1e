"""The terminology glossary: `docs.py check` and the strict build report a refused variant with its file,
line and the form to write; reader text only (not code, URLs, link targets, attributes, quoted labels)."""
from __future__ import annotations

import io
from pathlib import Path

from cli import check as cli_check
from sitebuild import build as site_build
from conftest import ROOT
from fixtures import edit, line_of, tiny_project
from helpcenter.language import glossary

GLOSSARY = """\
terms:
  - fr: Portail Client
    en: Customer Portal
    refuse_fr: [portail client, Portail client]
    refuse_en: [customer portal]
  - en: behavior
    refuse_en: [behaviour]
"""


def run_check(project: Path) -> tuple[int, list[str]]:
    out = io.StringIO()
    n = cli_check.run_check(project / "mkdocs.yml", out=out)
    return n, out.getvalue().splitlines()


def project_with_glossary(tmp_path: Path, text: str = GLOSSARY) -> Path:
    project = tiny_project(tmp_path / "project")
    (project / "docs" / "glossary.yml").write_text(text, encoding="utf-8")
    return project


def test_variants_fail_check_and_build_with_file_line_and_fix(tmp_path):
    project = project_with_glossary(tmp_path)
    n, lines = run_check(project)
    assert n == 0, lines                                  # the glossary alone changes nothing
    fr = edit(project, "fr/settings/alpha.md", "L'alpha se règle dans les paramètres.",
              "L'alpha se règle dans les paramètres du portail client.")
    en = edit(project, "en/settings/beta.md", 'title: "', 'title: "Beta behaviour: ')
    n, lines = run_check(project)
    expected = [f'docs/fr/settings/alpha.md:{line_of(fr, "du portail client")}: "portail client" → write '
                '"Portail Client" (glossary)',
                f'docs/en/settings/beta.md:{line_of(en, "title:")}: "behaviour" → write "behavior" (glossary)']
    for line in expected:
        assert line in lines, "\n".join(lines)
    assert n == 2, lines
    proc = site_build.build_site(project / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0
    assert "portail client" in proc.stderr and not (tmp_path / "site").exists()


def test_code_urls_link_targets_attributes_and_quoted_labels_are_not_checked(tmp_path):
    project = project_with_glossary(tmp_path)
    md = edit(project, "en/settings/alpha.md", "Choose the default value.", """\
Choose the default value, see `behaviour` and <span title="behaviour">the behavior</span>.
The "Default behaviour" button, [the behavior](https://example.com/behaviour), https://example.com/behaviour
and « portail client » {: #behaviour-x }.

```text
behaviour
```

<!-- behaviour -->""")
    n, lines = run_check(project)
    assert not [l for l in lines if "glossary" in l], lines
    # the same word outside code and quotes is reported
    edit(project, "en/settings/alpha.md", "<!-- behaviour -->", "Then the behaviour.")
    n, lines = run_check(project)
    assert [l for l in lines if "glossary" in l] == [
        f'docs/en/settings/alpha.md:{line_of(md, "Then the")}: "behaviour" → write "behavior" (glossary)'], lines


def test_glossary_is_not_published(tmp_path):
    project = project_with_glossary(tmp_path)
    proc = site_build.build_site(project / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode == 0, proc.stderr
    assert not list((tmp_path / "site").rglob("glossary*"))


def test_malformed_glossary_is_a_file_line_error(tmp_path):
    bad = GLOSSARY.replace("refuse_en: [customer portal]", "refuse_en: customer portal")
    project = project_with_glossary(tmp_path, bad)
    n, lines = run_check(project)
    line = bad.splitlines().index("    refuse_en: customer portal") + 1
    assert any(l.startswith(f"docs/glossary.yml:{line}: 'refuse_en' must be a list") and "(fix: " in l
               for l in lines), lines
    (project / "docs/glossary.yml").write_text(GLOSSARY + "  - fr: [oops\n", encoding="utf-8")
    n, lines = run_check(project)
    assert any(l.startswith("docs/glossary.yml:") and "malformed YAML in the glossary" in l for l in lines), lines
    (project / "docs/glossary.yml").write_text(GLOSSARY + "  - frr: x\n", encoding="utf-8")
    n, lines = run_check(project)
    assert f"docs/glossary.yml:{len(GLOSSARY.splitlines()) + 1}: unknown key 'frr' in a term " \
           "(fix: use only: fr, en, refuse_fr, refuse_en, note)" in lines, lines


def test_real_glossary_names_the_issue_terms():
    g, problems = glossary.load(ROOT / "docs" / glossary.FILE, "docs/glossary.yml")
    assert problems == []
    forms = {(lang, f) for t in g.terms for lang, f in t.forms.items()}
    for lang, form in [("fr", "Portail Client"), ("en", "Customer Portal"), ("fr", "Pages hébergées"),
                       ("en", "Hosted Pages"), ("fr", "moyen de paiement"), ("en", "payment method"),
                       ("fr", "backoffice"), ("fr", "segment"), ("fr", "Sandbox"), ("en", "behavior")]:
        assert (lang, form) in forms


def test_mask_keeps_lines_and_hides_only_non_text():
    text = "a `x`\n```\ny\n```\n[t](u \"v\") {#id} <b c=\"d\">e</b>\n"
    masked = glossary.mask(text)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    assert "x" not in masked and "y" not in masked and "u" not in masked and "id" not in masked
    assert "c=" not in masked and "[t" in masked and "e" in masked
