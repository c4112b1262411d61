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

A ``// fragment: name`` header introduces a piece of a statement rather than
a statement: ``__LINES__`` in a statement of a label (``__LABEL__`` above) is
replaced with the fragment ``merge.line`` once per (direction, type, other
label) of :data:`~graphcrm.model.RELATIONSHIP_TYPES` that touches the label,
in the order of that table, outgoing before incoming (:func:`lines_of`).  The
fragment is written for the lines out of the node (``(drop)-[r:__TYPE__]->(o:
__OTHER__)``); for the lines into it each arrow is reversed.  A line
``__RULE__`` in it is replaced with the fragment ``merge.rule:TYPE`` of the
block's type, or left out when the type has none.  Fragments are
looked up in every shared file, so a dialect's copy of a statement expands
the same blocks.  This is how one merge statement covers every line a person
or an account can have (cypher/merge.cypher).

Files in ``cypher/falkordb/`` or ``cypher/neo4j/`` hold the statements whose
dialects differ (schema); they are loaded only for that backend and may
replace a shared statement of the same name.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from graphcrm.model import LABELS, RELATIONSHIP_TYPES

_HEADER = re.compile(r"^//\s*(name|fragment):\s*(\S+)\s*$", re.MULTILINE)
_EACH = re.compile(r"^//\s*each:\s*(label|relationship)\s*$", re.MULTILINE)
_EXCEPT = re.compile(r"^//\s*except:\s*(.+?)\s*$", re.MULTILINE)


def relationship_key(start: str, rel_type: str, end: str) -> str:
    return f"{start}:{rel_type}:{end}"


def lines_of(label: str) -> list[tuple[str, str, str]]:
    """The kinds of line a node of ``label`` can have: (direction ``"out"`` or
    ``"in"``, relationship type, label of the other end), in the order of
    :data:`~graphcrm.model.RELATIONSHIP_TYPES`, outgoing first."""
    kinds = []
    for rel_type, (starts, ends, *_labels) in RELATIONSHIP_TYPES.items():
        kinds += [("out", rel_type, end) for start in starts for end in ends if start == label]
        kinds += [("in", rel_type, start) for start in starts for end in ends if end == label]
    return kinds


def _line_blocks(label: str, fragments: dict[str, str]) -> str:
    """The fragment ``merge.line`` once per kind of line of ``label`` (:func:`lines_of`)."""
    template = fragments.get("merge.line")
    if template is None:
        raise ValueError("__LINES__ needs the fragment 'merge.line' (cypher/merge.cypher)")
    blocks = []
    for direction, rel_type, other in lines_of(label):
        block = template.strip()
        if direction == "in":
            block = block.replace(")-[", ")<-[").replace("]->(", "]-(")
        rule = fragments.get(f"merge.rule:{rel_type}")
        lines = [(rule.strip("\n") if rule else None) if line.strip() == "__RULE__" else line
                 for line in block.split("\n")]
        block = "\n".join(line for line in lines if line is not None)
        blocks.append(block.replace("__TYPE__", rel_type).replace("__OTHER__", other))
    return "\n".join(blocks)


def _with_lines(text: str, label: str, fragments: dict[str, str]) -> str:
    return text.replace("__LINES__", _line_blocks(label, fragments)) if "__LINES__" in text else text


def _expand(name: str, body: str, fragments: dict[str, str]) -> dict[str, str]:
    each = _EACH.search(body)
    excepted = _EXCEPT.search(body)
    skip = set(excepted.group(1).split()) if excepted else set()
    text = _EXCEPT.sub("", _EACH.sub("", body)).strip()
    if each is None:
        return {name: text}
    if each.group(1) == "label":
        return {f"{name}:{label}": _with_lines(text.replace("__LABEL__", label), label, fragments)
                for label in LABELS if label not in skip}
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


def _sections(source: str) -> list[tuple[str, str, str]]:
    """The (kind: ``name`` or ``fragment``, name, body) sections of one ``.cypher`` file."""
    parts = _HEADER.split(source)
    return [(kind, name, _without_trailing_comments(body))
            for kind, name, body in zip(parts[1::3], parts[2::3], parts[3::3], strict=True)]


@lru_cache(maxsize=1)
def shared_fragments() -> dict[str, str]:
    """The fragments of the shared files in ``cypher/``, by name."""
    root = resources.files("graphcrm.cypher")
    return {name: body for entry in root.iterdir() if entry.name.endswith(".cypher")
            for kind, name, body in _sections(entry.read_text(encoding="utf-8")) if kind == "fragment"}


def parse(source: str) -> dict[str, str]:
    """Split the text of one ``.cypher`` file into ``{name: statement}`` (its fragments left out)."""
    statements: dict[str, str] = {}
    sections = _sections(source)
    fragments = {name: body for kind, name, body in sections if kind == "fragment"}
    if any("__LINES__" in body for _kind, _name, body in sections):
        fragments = {**shared_fragments(), **fragments}
    for kind, name, body in sections:
        if kind == "fragment":
            continue
        for key, text in _expand(name, body, fragments).items():
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
