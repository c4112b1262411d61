"""The vocabularies read unambiguously in both languages, and docs/glossary.md
shows them as the code has them: no buying-center role is named like a
stance, the Chinese labels of a vocabulary are distinct, every table of the
glossary lists the values with their English and Chinese labels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.support import Translations

from graphcrm import model
from graphcrm.analysis.attention import ATTENTION_KINDS
from graphcrm.analysis.coverage import FINDING_KINDS
from graphcrm.web import ANALYSIS_WORDS

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"
VOCABULARIES = {name: getattr(model, name) for name in (
    "SEGMENTS", "TIERS", "LIFECYCLES", "STANCES", "USER_ROLES", "STAGES", "BUYING_ROLES", "INTERACTION_KINDS",
    "CHANNELS", "COMPLIANCE_ROLES")}
#: the vocabularies the glossary explains, by the name its headings give in backquotes
GLOSSARY_VOCABULARIES = ("STANCES", "BUYING_ROLES", "STAGES", "TIERS", "SEGMENTS", "LIFECYCLES", "COMPLIANCE_ROLES")


def glossary_tables() -> dict[str, dict[str, tuple[str, str]]]:
    """Each table of the glossary under its heading's name in backquotes (or "Finding kinds"):
    value -> (English, 中文)."""
    tables: dict[str, dict[str, tuple[str, str]]] = {}
    current = None
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            named = re.search(r"`(\w+)`", line)
            current = named.group(1) if named else line[3:].split(" — ")[0]
        elif current and (row := re.match(r"\| `(\w+)` \| ([^|]+) \| ([^|]+) \|", line)):
            tables.setdefault(current, {})[row.group(1)] = (row.group(2).strip(), row.group(3).strip())
    return tables


@pytest.mark.parametrize("lang", [0, 1], ids=["English", "Chinese"])
def test_no_buying_center_role_is_named_like_a_stance(lang):
    roles = {labels[lang].lower(): role for role, labels in model.BUYING_ROLES.items()}
    stances = {labels[lang].lower(): stance for stance, labels in model.STANCES.items()}
    assert not roles.keys() & stances.keys(), {label: (roles[label], stances[label])
                                               for label in roles.keys() & stances.keys()}


@pytest.mark.parametrize("name", VOCABULARIES)
def test_each_vocabulary_has_distinct_labels_in_each_language(name):
    for lang in (0, 1):
        labels = [labels[lang] for labels in VOCABULARIES[name].values()]
        assert len(set(labels)) == len(labels), (name, labels)


def test_former_role_labels_still_read_as_their_role():
    assert model.value_of(model.BUYING_ROLES, "反对者") == "blocker"
    assert model.value_of(model.BUYING_ROLES, "支持者/拥护者") == "champion"
    assert model.value_of(model.BUYING_ROLES, "把关人") == "gatekeeper"
    assert model.value_of(model.STANCES, "反对者") == "opponent"
    assert model.value_of(model.STANCES, "Champion") == "champion"  # the value itself, in any case


@pytest.mark.parametrize("name", GLOSSARY_VOCABULARIES)
def test_the_glossary_lists_each_vocabulary_as_the_model_labels_it(name):
    assert glossary_tables()[name] == {value: tuple(labels[:2]) for value, labels in VOCABULARIES[name].items()}


def test_the_glossary_lists_each_finding_kind_as_the_pages_name_it():
    zh = Translations.load(str(ROOT / "graphcrm/web/translations"), ["zh"])
    shown = {}
    for kind in (*FINDING_KINDS, *ATTENTION_KINDS):
        english = ANALYSIS_WORDS[kind]._args[0]  # the lazy string's message id
        shown[kind] = (english, zh.ugettext(english))
    assert glossary_tables()["Finding kinds"] == shown
