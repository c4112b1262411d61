"""Stance outlook: which undecided stakeholders are likely to swing, and which way.

Model (Friedkin-Johnsen, a DeGroot averaging with stubbornness)
----------------------------------------------------------------
Each person holds an opinion of us in [-1, 1] (champion +1, supporter +0.5,
neutral 0, skeptic -0.5, opponent -1).  At each round every person moves to
a weighted average of their own current opinion (weight ``self_weight``) and
the opinions of the people who sway them: anyone with an INFLUENCES edge to
them (weight = strength), their manager (weight 3), their direct reports
(weight 1) and acquaintances (KNOWS, weight 1).  With
``include_relationships`` our team counts as one more voice at +1 weighted
by our best relationship strength with them, and each competitor as a voice
at -1 weighted by theirs.  Each person also keeps a share of their *initial*
opinion (stubbornness: 0.8 for champions and opponents, 0.5 for supporters
and skeptics, 0.2 for neutrals), so committed people barely move.

Assumptions: influence is linear and symmetric in sign; the recorded ties
and stances are current; nobody outside the graph weighs in; the process is
run to (near) equilibrium.  It is a ranking aid, not a forecast.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from graphcrm.analysis._common import STANCE_SCORE, as_int, in_typed, label, out_typed, scope_people, stance_label
from graphcrm.analysis.influence import roles_in
from graphcrm.analysis.messages import english, render, say

STUBBORNNESS = {"champion": 0.8, "opponent": 0.8, "supporter": 0.5, "skeptic": 0.5, "neutral": 0.2}
UNDECIDED = ("neutral", "supporter", "skeptic")


def stance_outlook(
    G: nx.MultiDiGraph,
    *,
    account_id: str | None = None,
    opportunity_id: str | None = None,
    people=None,
    include_relationships: bool = True,
    self_weight: float = 2.0,
    max_rounds: int = 200,
    tol: float = 1e-6,
    top: int | None = None,
) -> dict:
    """Predict how stances drift through the influence network.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in the documented format.
    account_id, opportunity_id, people
        Whom to model.  With ``opportunity_id`` and no other scope, only the
        buying center (per-deal stance and influence).
    include_relationships : bool
        Count our team and the competitors as voices (see the module text).
    self_weight : float
        Weight of a person's own current opinion in each round.
    max_rounds, tol
        Stop after this many rounds or when no opinion moves more than tol.
    top : int, optional
        Keep the ``top`` swing candidates.

    Returns
    -------
    dict
        ``model`` (name), ``assumptions`` (sentences), ``texts`` (both as
        messages, see :mod:`graphcrm.analysis.messages`), ``rounds`` (rounds
        run), ``outlook`` (``{current, predicted, current_stance,
        predicted_stance}``: influence-weighted mean opinion of the group now
        and at equilibrium -- above 0 the room leans our way),
        ``swing_candidates``: the undecided people (neutral, supporter,
        skeptic) ranked by ``swing`` = influence/5 x |predicted - current|,
        each ``{id, name, role, influence, stance, current, predicted,
        predicted_stance, shift, toward}`` where ``toward`` is "us",
        "competitor" or "none" (``shift`` under 0.05 either way).

    Examples
    --------
    >>> from graphcrm.graph.nxgraph import build_graph
    >>> G = build_graph(
    ...     [("Person", {"id": "c", "name": "Champion", "stance": "champion", "influence": 5}),
    ...      ("Person", {"id": "n", "name": "Neutral", "stance": "neutral", "influence": 4}),
    ...      ("Person", {"id": "o", "name": "Critic", "stance": "opponent", "influence": 2})],
    ...     [("INFLUENCES", "c", "n", {"strength": 5}), ("INFLUENCES", "o", "n", {"strength": 1})])
    >>> r = stance_outlook(G)
    >>> [(p["id"], p["toward"]) for p in r["swing_candidates"]]
    [('n', 'us')]
    """
    if people is None and account_id is None and opportunity_id is not None:
        people = [p for p, _ in in_typed(G, opportunity_id, "ROLE_IN")]
    scope = scope_people(G, account_id=account_id, opportunity_id=opportunity_id, people=people)
    roles = roles_in(G, opportunity_id)
    keep = set(scope)

    def eff(p, attr, default):
        v = (roles.get(p) or {}).get(attr)
        return v if v is not None else G.nodes[p].get(attr, default)

    stance = {p: eff(p, "stance", "neutral") for p in scope}
    infl = {p: as_int(eff(p, "influence", 3), 3) for p in scope}
    x0 = {p: STANCE_SCORE.get(stance[p], 0.0) for p in scope}
    # voices[i] = list of (j or constant, weight); constants are floats
    voices: dict = {}
    for i in scope:
        vs: defaultdict[str, float] = defaultdict(float)
        for j, d in in_typed(G, i, "INFLUENCES"):
            if j in keep and j != i:
                vs[j] += float(as_int(d.get("strength"), 3))
        for j, _ in out_typed(G, i, "REPORTS_TO"):
            if j in keep and j != i:
                vs[j] += 3.0
        for j, _ in in_typed(G, i, "REPORTS_TO"):
            if j in keep and j != i:
                vs[j] += 1.0
        for j, _ in out_typed(G, i, "KNOWS"):
            if j in keep and j != i:
                vs[j] += 1.0
        for j, _ in in_typed(G, i, "KNOWS"):
            if j in keep and j != i:
                vs[j] += 1.0
        fixed = 0.0
        fixed_w = 0.0
        if include_relationships:
            ties = list(in_typed(G, i, "RELATIONSHIP"))  # a generator: read twice
            ours: float = max((as_int(d.get("strength"), 3) for u, d in ties if label(G, u) == "User"), default=0)
            theirs = [as_int(d.get("strength"), 3) for u, d in ties if label(G, u) == "Competitor"]
            if ours:
                fixed += ours * 1.0
                fixed_w += ours
            for s in theirs:
                fixed += s * -1.0
                fixed_w += s
        voices[i] = (sorted(vs.items()), fixed, fixed_w)

    x = dict(x0)
    rounds = 0
    while rounds < max_rounds:
        rounds += 1
        nxt = {}
        delta = 0.0
        for i in scope:
            weights, fixed, fixed_w = voices[i]
            num = self_weight * x[i] + fixed + sum(w * x[j] for j, w in weights)
            den = self_weight + fixed_w + sum(w for _, w in weights)
            stubborn = STUBBORNNESS.get(stance[i], 0.2)
            v = stubborn * x0[i] + (1 - stubborn) * (num / den)
            nxt[i] = v
            delta = max(delta, abs(v - x[i]))
        x = nxt
        if delta < tol:
            break

    total = sum(infl.values())
    cur = sum(infl[p] * x0[p] for p in scope) / total if total else 0.0
    pred = sum(infl[p] * x[p] for p in scope) / total if total else 0.0
    cands = []
    for p in scope:
        if stance[p] not in UNDECIDED:
            continue
        shift = x[p] - x0[p]
        cands.append(
            {
                "id": p,
                "name": str(G.nodes[p].get("name") or p),
                "role": (roles.get(p) or {}).get("role"),
                "influence": infl[p],
                "stance": stance[p],
                "current": round(x0[p], 4),
                "predicted": round(x[p], 4),
                "predicted_stance": stance_label(x[p]),
                "shift": round(shift, 4),
                "toward": "us" if shift >= 0.05 else "competitor" if shift <= -0.05 else "none",
                "swing": round(infl[p] / 5.0 * abs(shift), 4),
            }
        )
    cands.sort(key=lambda c: (-c["swing"], c["id"]))
    if top is not None:
        cands = cands[:top]
    model = say("outlook.model")
    assumptions = [
        say("outlook.opinions"),
        say("outlook.current"),
        say(
            "outlook.stubborn",
            committed=round(100 * STUBBORNNESS["champion"]),
            leaning=round(100 * STUBBORNNESS["supporter"]),
            neutral=round(100 * STUBBORNNESS["neutral"]),
        ),
        say("outlook.voices" if include_relationships else "outlook.no_voices"),
    ]
    return {
        "model": render(model),
        "assumptions": english(assumptions),
        "texts": {"model": model, "assumptions": assumptions},
        "rounds": rounds,
        "outlook": {
            "current": round(cur, 4),
            "predicted": round(pred, 4),
            "current_stance": stance_label(cur),
            "predicted_stance": stance_label(pred),
        },
        "swing_candidates": cands,
    }
