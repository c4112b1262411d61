"""Load the named Cypher statements from the ``cypher/`` folder.

Every statement GraphCRM runs lives in a ``.cypher`` file under ``cypher/``
(installed as the package ``graphcrm.cypher``, see setup.cfg).  A file holds
any number of statements, each introduced by a header comment::

    // name: node.get
    // each: label
    MATCH (n:__LABEL__ {id: $id}) RETURN properties(n) AS props

Values always come in as ``$parameters``.  Labels and relationship types
cannot be parameters in Cypher, so a statement marked ``// each: label`` is
expanded once per label of :data:`graphcrm.model.LABELS` (``__LABEL__``
replaced, named ``node.get:Person``; ``// except: Account Person`` leaves
labels out that have a statement of their own), and one marked ``// each:
relationship`` once per allowed (start label, type, end label) of
:data:`graphcrm.model.RELATIONSHIP_TYPES` (``__START__``, ``__TYPE__``,
``__END__``; named ``relationship.merge:User:RELATIONSHIP:Person``).  The
expansion draws only on that fixed vocabulary, when the files are loaded;
nothing from input is ever spliced into a statement.

Files in ``cypher/falkordb/`` or ``cypher/neo4j/`` hold the statements whose
dialects differ (schema); they are loaded only for that backend and may
replace a shared statement of the same name.
"""

from __future__ import annotations

import re
from importlib import resources

from graphcrm.model import LABELS, RELATIONSHIP_TYPES

_HEADER = re.compile(r"^//\s*name:\s*(\S+)\s*$", re.MULTILINE)
_EACH = re.compile(r"^//\s*each:\s*(label|relationship)\s*$", re.MULTILINE)
_EXCEPT = re.compile(r"^//\s*except:\s*(.+?)\s*$", re.MULTILINE)


def relationship_key(start: str, rel_type: str, end: str) -> str:
    return f"{start}:{rel_type}:{end}"


def _expand(name: str, body: str) -> dict[str, str]:
    each = _EACH.search(body)
    excepted = _EXCEPT.search(body)
    skip = set(excepted.group(1).split()) if excepted else set()
    text = _EXCEPT.sub("", _EACH.sub("", body)).strip()
    if each is None:
        return {name: text}
    if each.group(1) == "label":
        return {f"{name}:{label}": text.replace("__LABEL__", label) for label in LABELS if label not in skip}
    expanded = {}
    for rel_type, (starts, ends, *_labels) in RELATIONSHIP_TYPES.items():
        for start in starts:
            for end in ends:
                expanded[f"{name}:{relationship_key(start, rel_type, end)}"] = (
                    text.replace("__START__", start).replace("__TYPE__", rel_type).replace("__END__", end)
                )
    return expanded


def _without_trailing_comments(body: str) -> str:
    """Comment lines after a statement introduce the next one: not part of this one."""
    lines = body.rstrip().split("\n")
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("//")):
        lines.pop()
    return "\n".join(lines)


def parse(source: str) -> dict[str, str]:
    """Split the text of one ``.cypher`` file into ``{name: statement}``."""
    statements: dict[str, str] = {}
    parts = _HEADER.split(source)
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        body = _without_trailing_comments(body)
        for key, text in _expand(name, body).items():
            if key in statements:
                raise ValueError(f"Cypher statement {key!r} is defined twice")
            statements[key] = text
    return statements


def load_statements(backend: str) -> dict[str, str]:
    """All statements for ``backend`` ("falkordb" or "neo4j"), by name."""
    root = resources.files("graphcrm.cypher")
    statements: dict[str, str] = {}
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".cypher"):
            for name, text in parse(entry.read_text(encoding="utf-8")).items():
                if name in statements:
                    raise ValueError(f"Cypher statement {name!r} is defined twice")
                statements[name] = text
    dialect = root / backend
    for entry in sorted(dialect.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".cypher"):
            statements.update(parse(entry.read_text(encoding="utf-8")))
    return statements
