"""The documentation covers what the code has, builds, and its examples run.

The site (``docs/``, ``mkdocs.yml``) builds with ``mkdocs build --strict``;
every command of the command line is in its generated reference, every
setting in the configuration table, every route in the web reference and
every finding kind, readiness component and attention reason in the analysis
reference (as Datasette's tests check its settings against its docs); every
file and picture the docs name exists; the commands of the shell blocks
marked ``<!-- run -->`` run against the demo portfolio; the README stays a
first page (under 6 KB, with the quick start)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest

from graphcrm.analysis.attention import ATTENTION_KINDS
from graphcrm.analysis.coverage import FINDING_KINDS
from graphcrm.analysis.readiness import COMPONENTS
from graphcrm.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").rglob("*.md"))
DOCS = [README, *PAGES]
#: the quick start, exactly as the README has always given it
QUICK_START = (
    "make demo    # sets up .venv, loads the demo portfolio, serves http://127.0.0.1:5000",
    "make test    # sets up .venv (and Chromium for the browser tests), runs the whole test suite",
)
README_LIMIT = 6144
#: the commands a ``<!-- run -->`` block may hold: they only read, or set up the schema and the demo
SAFE_COMMANDS = ("--help", "init", "demo", "analyze", "history", "db status", "db check", "user list",
                 "digest --dry-run")


def _commands(group: click.Group, prefix: str = "graphcrm") -> list[str]:
    found = []
    for name, command in group.commands.items():
        if command.hidden:
            continue
        path = f"{prefix} {name}"
        found += _commands(command, path) if isinstance(command, click.Group) else [path]
    return found


def _page(path: str) -> str:
    return (ROOT / "docs" / path).read_text(encoding="utf-8")


def _runnable_blocks() -> list[tuple[str, list[str]]]:
    """(page, lines) of every fenced shell block right after a ``<!-- run -->`` line."""
    blocks = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r"^<!-- run -->\n```sh\n(.*?)^```$", text, re.MULTILINE | re.DOTALL):
            blocks.append((str(page.relative_to(ROOT)), match.group(1).splitlines()))
    return blocks


# -- the site ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site built with ``mkdocs build --strict`` into a temporary folder."""
    if subprocess.run([sys.executable, "-c", "import mkdocs, material, mkdocs_click"]).returncode:
        if os.environ.get("CI") == "true":
            raise RuntimeError("MkDocs is missing: `make test` installs the docs extra (pip install -e '.[docs]')")
        pytest.skip("MkDocs is missing (pip install -e '.[docs]')")
    out = tmp_path_factory.mktemp("site")
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"),
         "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert built.returncode == 0, built.stderr
    return out


def test_the_site_builds_with_warnings_as_errors(site):
    assert (site / "index.html").exists()
    for page in PAGES:
        if page.name == "index.md":
            continue
        html = site / page.relative_to(ROOT / "docs").with_suffix("") / "index.html"
        assert html.exists(), f"{page.relative_to(ROOT)} was not built"


def test_every_command_is_in_the_command_line_reference(site):
    reference = (site / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    missing = [c for c in _commands(main) if f'id="{c.replace(" ", "-")}"' not in reference]
    assert not missing, f"commands missing from docs/reference/cli.md: {missing}"


# -- the reference pages against the code ---------------------------------------------------------


def test_every_setting_is_in_the_configuration_table():
    page = _page("reference/configuration.md")
    table = page[page.index("| variable"):]
    table = table[:table.index("\n\n")]
    config = (ROOT / "graphcrm" / "config.py").read_text(encoding="utf-8")
    missing = [v for v in sorted(set(re.findall(r'"(GRAPHCRM_[A-Z_]+)"', config))) if f"`{v}`" not in table]
    assert not missing, f"settings missing from the table of docs/reference/configuration.md: {missing}"


def test_every_route_is_in_the_web_reference():
    from graphcrm.web import create_app

    def shape(rule: str) -> str:
        return re.sub(r"<[^>]+>", "<>", rule)

    page = _page("reference/web.md")
    named = {shape(m.split("?")[0]) for m in re.findall(r"`(?:GET |POST )?(/[^`\s]*)`", page)}
    app = create_app({"TESTING": True})
    missing = sorted(rule.rule for rule in app.url_map.iter_rules()
                     if rule.endpoint != "static" and shape(rule.rule) not in named)
    assert not missing, f"routes missing from docs/reference/web.md: {missing}"


def test_every_finding_component_and_reason_is_explained():
    page = _page("reference/analysis.md")
    missing = [kind for kind in (*FINDING_KINDS, *COMPONENTS, *ATTENTION_KINDS) if f"| `{kind}` |" not in page]
    assert not missing, f"missing from the tables of docs/reference/analysis.md: {missing}"


def test_the_files_the_docs_name_exist():
    for doc in DOCS:
        for path in re.findall(r"`((?:graphcrm|cypher|tests|bench|docs)/[\w./-]+\.(?:py|cypher|md|html|js))`",
                               doc.read_text(encoding="utf-8")):
            assert (ROOT / path).exists(), f"{doc.name} names {path}, which does not exist"


def test_every_screenshot_is_shown_and_every_picture_shown_exists():
    shown = set()
    for doc in DOCS:
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", doc.read_text(encoding="utf-8")):
            picture = (doc.parent / target).resolve()
            assert picture.exists(), f"{doc.relative_to(ROOT)} shows {target}, which does not exist"
            shown.add(picture)
    images = set((ROOT / "docs" / "images").glob("*.png"))
    assert images, "docs/images holds no screenshot"
    assert not images - shown, f"screenshots no page shows: {sorted(p.name for p in images - shown)}"


# -- the README ---------------------------------------------------------------------------------


def test_the_readme_is_a_first_page_with_the_quick_start():
    size = README.stat().st_size
    assert size < README_LIMIT, f"README.md is {size:,} bytes (at most {README_LIMIT:,})"
    readme = README.read_text(encoding="utf-8")
    for line in QUICK_START:
        assert line in readme.splitlines(), f"the quick start lost: {line}"
    assert "mkdocs serve" in readme


# -- the docs' commands -----------------------------------------------------------------------


def test_the_docs_have_commands_to_run():
    pages = {page for page, _lines in _runnable_blocks()}
    assert {"docs/reference/cli.md", "docs/guides/key-account-manager.md", "docs/guides/bid-team.md",
            "docs/guides/director.md", "docs/admin/install.md"} <= pages


@pytest.mark.parametrize("page,lines", _runnable_blocks(),
                         ids=[f"{page}:{i}" for i, (page, _lines) in enumerate(_runnable_blocks())])
def test_the_commands_of_the_docs_run(runner, page, lines):
    """Each marked block runs, line by line, on a fresh graph holding the demo portfolio
    (the guides' examples are from it); the test's own data folder replaces any
    ``export GRAPHCRM_DATA_DIR=``."""
    assert runner.invoke(main, ["demo"]).exit_code == 0
    for line in lines:
        words = shlex.split(line, comments=True)
        if not words or line.startswith("export GRAPHCRM_DATA_DIR="):
            continue
        assert words[0] == "graphcrm", f"{page}: not a graphcrm command: {line}"
        args = words[1:]
        assert " ".join(args[:2]).startswith(SAFE_COMMANDS), f"{page}: not safe to run in a test: {line}"
        result = runner.invoke(main, args)
        assert result.exit_code == 0, f"{page}: `{line}` exited {result.exit_code}:\n{result.output}"
        assert result.output.strip(), f"{page}: `{line}` printed nothing"
