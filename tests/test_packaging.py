"""An installed (not editable) graphcrm finds its Cypher statements, templates,
static files and translations."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from graphcrm.graph.statements import load_statements, parse


def test_the_wheel_carries_the_cypher_folder(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path), "."],
        check=True,
    )
    wheel = next(tmp_path.glob("graphcrm-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "graphcrm/cypher/nodes.cypher" in names
    assert "graphcrm/cypher/falkordb/schema.cypher" in names
    assert "graphcrm/cypher/neo4j/schema.cypher" in names
    # and the web app's templates, static files and Chinese catalog
    assert {"graphcrm/web/static/vis-network.min.js", "graphcrm/web/translations/zh/LC_MESSAGES/messages.mo",
            } <= set(names)
    web = Path(__file__).resolve().parent.parent / "graphcrm" / "web"
    templates = {f"graphcrm/web/{p.relative_to(web).as_posix()}" for p in (web / "templates").rglob("*.html")}
    assert templates - set(names) == set()  # every template, those in sub-folders too
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    probe = (
        "import graphcrm.graph.statements as s, sys; "
        "assert s.__file__.startswith(sys.argv[1]), s.__file__; "
        "from graphcrm.web import create_app; "
        "page = create_app({'TESTING': True}).test_client().get('/login', headers={'Accept-Language': 'zh'}); "
        "assert page.status_code == 200 and '登录' in page.get_data(as_text=True), page.status_code; "
        "print(len(s.load_statements('falkordb')))"
    )
    out = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); " + probe, str(target)],
        capture_output=True, text=True, check=True,
        env={**os.environ, "GRAPHCRM_DATA_DIR": str(tmp_path / "data")},  # not the user's own data folder
    )
    assert int(out.stdout) == len(load_statements("falkordb"))


def test_statements_expand_only_from_the_vocabulary():
    statements = parse("// name: node.get\n// each: label\nMATCH (n:__LABEL__ {id: $id}) RETURN n\n")
    labels = ("Account", "Person", "User", "Opportunity", "Competitor", "Interaction")
    assert set(statements) == {f"node.get:{label}" for label in labels}
    assert statements["node.get:Person"] == "MATCH (n:Person {id: $id}) RETURN n"
    assert "relationship.merge:User:RELATIONSHIP:Person" in load_statements("falkordb")
    assert "relationship.merge:Person:RELATIONSHIP:Person" not in load_statements("falkordb")


def test_statements_can_leave_labels_out():
    statements = parse(
        "// name: node.delete\n// each: label\n// except: Account Person\nMATCH (n:__LABEL__) RETURN n\n")
    labels = ("User", "Opportunity", "Competitor", "Interaction")
    assert set(statements) == {f"node.delete:{label}" for label in labels}
    assert statements["node.delete:User"] == "MATCH (n:User) RETURN n"


def test_comments_introducing_the_next_statement_are_not_part_of_this_one():
    statements = parse("// name: a\nMATCH (n) RETURN n\n\n// Creates\n\n// things.\n// name: b\nCREATE (n) RETURN n\n")
    assert statements == {"a": "MATCH (n) RETURN n", "b": "CREATE (n) RETURN n"}
