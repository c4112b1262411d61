"""The documentation covers what the code has: every command of the command
line is in the README (as Datasette's tests check its settings against its
docs), and every file the docs name exists."""

from __future__ import annotations

import re
from pathlib import Path

import click

from graphcrm.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _commands(group: click.Group, prefix: str = "graphcrm") -> list[str]:
    found = []
    for name, command in group.commands.items():
        if command.hidden:
            continue
        path = f"{prefix} {name}"
        found += _commands(command, path) if isinstance(command, click.Group) else [path]
    return found


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # "graphcrm db start | db stop" names both
    shown = set()
    for line in readme.splitlines():
        for match in re.finditer(r"graphcrm ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)?)", line):
            words = match.group(1).split()
            shown.update({" ".join(words[:1]), " ".join(words)})
        if line.startswith("graphcrm db "):
            shown.update(f"db {w}" for w in re.findall(r"\bdb ([a-z]+)", line))
    missing = [c for c in _commands(main) if c.removeprefix("graphcrm ") not in shown]
    assert not missing, f"commands missing from the README: {missing}"


def test_the_files_the_docs_name_exist():
    for doc in DOCS:
        for path in re.findall(r"`((?:graphcrm|cypher|tests|bench|docs)/[\w./-]+\.(?:py|cypher|md|html|js))`",
                               doc.read_text(encoding="utf-8")):
            assert (ROOT / path).exists(), f"{doc.name} names {path}, which does not exist"


def test_every_setting_is_in_the_readmes_configuration_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration"):]
    table = table[:table.index("\n\n", table.index("| variable"))]
    config = (ROOT / "graphcrm" / "config.py").read_text(encoding="utf-8")
    missing = [v for v in sorted(set(re.findall(r'"(GRAPHCRM_[A-Z_]+)"', config))) if f"`{v}`" not in table]
    assert not missing, f"settings missing from the README's configuration table: {missing}"
