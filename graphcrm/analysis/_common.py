"""Shared helpers of the analysis engine: time, cadence, scoping, findings.

Everything here reads the documented ``networkx.MultiDiGraph`` (see
:mod:`graphcrm.graph.nxgraph`) through its adjacency only, so that the cost of
a question about one opportunity or account depends on the size of that
opportunity or account, not on the size of the loaded graph.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone

import networkx as nx

from graphcrm.model import BUYING_ROLES, OPEN_STAGES, STANCES, USER_ROLES

#: Default contact cadence in days by influence (1-5): a relationship with a
#: stakeholder of influence 5 goes stale after 30 days without contact.
DEFAULT_CADENCE: dict[int, int] = {5: 30, 4: 60, 3: 90, 2: 180, 1: 180}

#: A relationship of at least this strength (1-5) counts as a "strong" one.
STRONG = 3
#: A stakeholder of at least this influence (1-5) counts as "high influence".
HIGH_INFLUENCE = 4

#: Numeric stance toward us: +1 champion ... -1 opponent.
STANCE_SCORE: dict[str, float] = {
    "champion": 1.0,
    "supporter": 0.5,
    "neutral": 0.0,
    "skeptic": -0.5,
    "opponent": -1.0,
}

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}

#: Roles whose holder takes or signs the decision.
DECISION_ROLES = ("economic_buyer", "decision_maker")

#: Ties between customer people that carry influence or acquaintance.
PEOPLE_TYPES = ("REPORTS_TO", "INFLUENCES", "KNOWS")


# --------------------------------------------------------------------------
# time
# --------------------------------------------------------------------------


def parse_time(value) -> datetime | None:
    """An ISO date / timestamp (or datetime/date) as an aware UTC datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            try:
                d = date.fromisoformat(text[:10])
            except ValueError:
                return None
            dt = datetime(d.year, d.month, d.day)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def resolve_now(G: nx.MultiDiGraph, now=None) -> datetime:
    """``now`` if given, else the graph's ``loaded_at``, else the current UTC time."""
    dt = parse_time(now) if now is not None else parse_time(G.graph.get("loaded_at"))
    return dt or datetime.now(timezone.utc)


def iso(dt: datetime | None) -> str | None:
    return dt.isoformat(timespec="seconds") if dt else None


def cadence_days(influence: int | None, cadence: Mapping[int, int] | None = None) -> int:
    """Days without contact after which a relationship with a stakeholder of
    this ``influence`` counts as stale (see :data:`DEFAULT_CADENCE`)."""
    table = DEFAULT_CADENCE if cadence is None else {**DEFAULT_CADENCE, **cadence}
    try:
        level = int(influence) if influence is not None else 3
    except (TypeError, ValueError):
        level = 3
    return int(table.get(level, 180))


# --------------------------------------------------------------------------
# graph access
# --------------------------------------------------------------------------


def label(G, n) -> str | None:
    return G._node[n].get("label")  # the node view's lookup cost a tenth of the portfolio analysis


def name_of(G, n) -> str:
    d = G.nodes[n]
    return str(d.get("name") or d.get("display_name") or d.get("username") or n)


def title_of(G, n) -> str | None:
    d = G.nodes[n]
    if d.get("label") == "User":
        return d.get("title") or (USER_ROLES.get(d.get("role"), (None,))[0])
    return d.get("title")


def person_ref(G, n, **extra) -> dict:
    """A small JSON-friendly reference to a node: id, name, label, title."""
    ref = {"id": n, "name": name_of(G, n), "label": label(G, n)}
    t = title_of(G, n)
    if t:
        ref["title"] = t
    ref.update(extra)
    return ref


def out_typed(G, n, rel_type: str):
    """(neighbour, edge attrs) for edges ``n -[rel_type]-> neighbour``."""
    for v, keyed in G._succ[n].items():
        d = keyed.get(rel_type)
        if d is not None:
            yield v, d


def in_typed(G, n, rel_type: str):
    """(neighbour, edge attrs) for edges ``neighbour -[rel_type]-> n``."""
    for u, keyed in G._pred[n].items():
        d = keyed.get(rel_type)
        if d is not None:
            yield u, d


def as_int(value, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except (TypeError, ValueError):
        return default


def nodes_with_label(G, wanted: str) -> list:
    return [n for n, d in G.nodes(data=True) if d.get("label") == wanted]


def account_of_opportunity(G, opportunity_id) -> str | None:
    for a, _ in out_typed(G, opportunity_id, "FOR"):
        return a
    return None


def account_people(G, account_id) -> list:
    """People working at the account (``WORKS_AT``), in id order."""
    return sorted(p for p, _ in in_typed(G, account_id, "WORKS_AT") if label(G, p) == "Person")


def person_account(G, person_id) -> str | None:
    """The account a person works at; of several, the first in id order (so
    that it does not depend on the order the graph was loaded in)."""
    return min((a for a, _ in out_typed(G, person_id, "WORKS_AT")), default=None)


def is_open(G, opportunity_id) -> bool:
    return G.nodes[opportunity_id].get("stage", "lead") in OPEN_STAGES


def require(G, node_id, wanted_label: str) -> None:
    if node_id not in G or label(G, node_id) != wanted_label:
        from graphcrm.errors import NotFound

        raise NotFound(wanted_label, node_id)


def scope_people(G, *, account_id=None, opportunity_id=None, people=None) -> list:
    """The customer people a question is about, sorted by id.

    ``people`` (explicit ids) wins; else an opportunity's buying center plus
    the people of its account; else an account's people; else the graph's
    ``account_id`` (an account graph); else every Person in the graph.
    """
    if people is not None:
        return sorted(p for p in people if p in G and label(G, p) == "Person")
    chosen: set = set()
    if opportunity_id is not None:
        require(G, opportunity_id, "Opportunity")
        chosen.update(p for p, _ in in_typed(G, opportunity_id, "ROLE_IN"))
        account_id = account_id or account_of_opportunity(G, opportunity_id)
    if account_id is None and opportunity_id is None:
        account_id = G.graph.get("account_id")
        if account_id is not None and account_id not in G:
            account_id = None
    if account_id is not None:
        require(G, account_id, "Account")
        chosen.update(account_people(G, account_id))
    elif opportunity_id is None:
        chosen.update(nodes_with_label(G, "Person"))
    return sorted(chosen)


def people_graph(G, people: Iterable, *, weighted: bool = True) -> nx.Graph:
    """Undirected simple graph of the customer's own ties among ``people``.

    Edge weight is the tie's strength (REPORTS_TO counts as 3); parallel ties
    between two people add up.
    """
    keep = set(people)
    H = nx.Graph()
    H.add_nodes_from(sorted(keep))
    for u in sorted(keep):
        for v, keyed in G._succ[u].items():
            if v not in keep or v == u:
                continue
            for t in PEOPLE_TYPES:
                d = keyed.get(t)
                if d is None:
                    continue
                w = 3 if t == "REPORTS_TO" else as_int(d.get("strength"), 3)
                if H.has_edge(u, v):
                    H[u][v]["weight"] += w
                else:
                    H.add_edge(u, v, weight=w)
    return H


# --------------------------------------------------------------------------
# findings
# --------------------------------------------------------------------------


@dataclass
class Finding:
    """One coverage gap: what is wrong, how bad, who is involved, what to do.

    ``kind`` is a stable code (``missing_role``, ``no_eb_access``...),
    ``severity`` is ``high`` / ``medium`` / ``low``, ``people`` holds
    ``{"id", "name", "label", ...}`` references (our users and theirs),
    ``message`` is an English sentence and ``action`` the suggested next step.
    ``data`` carries the figures behind it (role, strengths, days...) and
    ``texts`` the ``message`` and ``action`` as messages (code and
    parameters, see :mod:`graphcrm.analysis.messages`) for translation.
    """

    kind: str
    severity: str
    message: str
    action: str
    people: list = field(default_factory=list)
    data: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def key(self) -> tuple:
        """Identity of a finding across two analyses (used by what-if)."""
        return (self.kind, tuple(p["id"] for p in self.people), self.data.get("role"))


def sort_findings(findings: list) -> list:
    return sorted(
        findings,
        key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.kind, [p["id"] for p in f.people], f.message),
    )


def stance_label(score: float) -> str:
    """The stance word nearest to a numeric stance score in [-1, 1]."""
    if score >= 0.75:
        return "champion"
    if score >= 0.25:
        return "supporter"
    if score > -0.25:
        return "neutral"
    if score > -0.75:
        return "skeptic"
    return "opponent"


def role_label(role: str | None) -> str:
    return BUYING_ROLES.get(role, (role or "",))[0].lower() if role else ""


def stance_word(stance: str | None) -> str:
    return STANCES.get(stance or "neutral", (stance or "neutral", ""))[0].lower()


def rounded(x: float, digits: int = 4) -> float:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return 0.0
    return round(float(x), digits)
