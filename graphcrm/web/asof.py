"""The map as it was: an account's network (/accounts/<id>/as-of) and a bid's
power map with its readiness and gaps (/opportunities/<id>/as-of) on a past
date, alone or compared with another date (``?compare=``: people and lines
added, removed and changed, marked on the map and listed).

Built from the account graph as the store has it and the audit entries since
the earlier date (:mod:`graphcrm.asof`), then cut to what the user may see
(:func:`~graphcrm.web.access.visible_graph`), as the pages of today are.
Whoever may see the record sees these pages; anyone else gets 404.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from graphcrm import model
from graphcrm.analysis import opportunity_report
from graphcrm.asof import DATE_PROBLEMS, bid_gates, compare_maps, graphs_as_of, merged_on, moment_of, readiness_moves
from graphcrm.errors import ValidationError
from graphcrm.history import FIELD_WORDS, VOCABULARIES
from graphcrm.web.access import require_account, visible_account_ids, visible_graph
from graphcrm.web.db import get_reports, get_store
from graphcrm.web.network import network_data, power_map_data

bp = Blueprint("asof", __name__)

#: how the map marks what changed between the two dates (border and line colours)
CHANGE_COLORS = {"added": "#1a9850", "changed": "#e6550d", "removed": "#b0b0b0"}
#: the kinds of line each map draws
ACCOUNT_LINES = ("REPORTS_TO", "INFLUENCES", "RELATIONSHIP", "KNOWS")
POWER_MAP_LINES = ("REPORTS_TO", "INFLUENCES")


@bp.route("/accounts/<account_id>/as-of")
@login_required
def account_as_of(account_id: str):
    """The account's network at the end of ``?date=`` (default: a week ago),
    compared with ``?compare=`` when given."""
    require_account("Account", account_id)
    account = get_store().get("Account", account_id)
    days, graphs = _maps(account_id, account)
    lang = str(get_locale() or "en")
    G = graphs[days[-1]]
    data = network_data(G)
    diff = None
    if len(days) == 2:
        diff = compare_maps(graphs[days[0]], G, types=ACCOUNT_LINES)
        data = _marked(data, network_data(graphs[days[0]]), diff)
    return render_template("history/as_of.html", record=account, kind="account", days=days, diff=diff,
                           data=data, lines=ACCOUNT_LINES, rows=_diff_rows(diff, lang), **_form(days))


@bp.route("/opportunities/<opportunity_id>/as-of")
@login_required
def opportunity_as_of(opportunity_id: str):
    """A bid's power map, readiness and gaps at the end of ``?date=``,
    compared with ``?compare=`` when given (with how readiness moved)."""
    account_id = require_account("Opportunity", opportunity_id)
    opportunity = get_store().get("Opportunity", opportunity_id)
    days, graphs = _maps(account_id, opportunity)
    lang = str(get_locale() or "en")
    reports = {day: opportunity_report(_as_opportunity(graphs[day], opportunity_id), opportunity_id)
               for day in days}
    report = reports[days[-1]]
    data = power_map_data(graphs[days[-1]], opportunity_id, report["buying_center"], lang)
    diff = moves = None
    was: dict = {}
    if len(days) == 2:
        old = reports[days[0]]
        diff = compare_maps(graphs[days[0]], graphs[days[-1]], types=(*POWER_MAP_LINES, "ROLE_IN"))
        data = _marked(data, power_map_data(graphs[days[0]], opportunity_id, old["buying_center"], lang), diff)
        moves = readiness_moves(old["readiness"], report["readiness"])
        was = {m["name"]: m["before"] for m in moves["components"]}
    return render_template("history/as_of.html", record=opportunity, kind="opportunity", days=days, diff=diff,
                           data=data, lines=POWER_MAP_LINES, rows=_diff_rows(diff, lang), report=report,
                           moves=moves, was=was, **_form(days))


def _maps(account_id: str, record: dict) -> tuple[list[str], dict]:
    """The dates asked for (``date``, and ``compare`` if given), earlier first,
    and the account graph of the end of each, as the user may see it."""
    today = datetime.now(timezone.utc).date()
    first = record.get("created_at")
    default = max(today - timedelta(days=7), date.fromisoformat(first[:10]) if first else date.min).isoformat()
    asked = {"date": request.args.get("date") or default}
    if request.args.get("compare"):
        asked["compare"] = request.args["compare"]
    moments = {moment_of(text, today=today, first=first, field=field, translate=_): text.strip()
               for field, text in asked.items()}
    G = get_reports().account_graph(account_id)
    entries = get_store().account_history(account_id, min(moments))["entries"]
    merged = merged_on(entries)
    if merged:  # the pure replay would refuse too, in English
        raise ValidationError("date", _(DATE_PROBLEMS["merged"]) % {"day": merged})
    visible = visible_account_ids()
    graphs = {moments[moment]: visible_graph(H, visible) for moment, H in graphs_as_of(G, entries, moments).items()}
    return sorted(graphs), graphs


def opportunity_gates(opportunity_id: str, account_id: str) -> list[dict]:
    """The bid's gates (:func:`graphcrm.asof.bid_gates`) on the map the user
    may see, oldest first, each with its ``day``, ``moves`` (how
    readiness moved since the gate before; None for the first) and
    ``point`` (what the chart draws: day, score, stage in the user's language).  For the
    opportunity page's "readiness over time" (cached with its body)."""
    opportunity = get_store().get("Opportunity", opportunity_id)
    since = opportunity.get("created_at") or "0000"
    G = visible_graph(get_reports().account_graph(account_id), visible_account_ids())
    gates = bid_gates(G, get_store().account_history(account_id, since)["entries"], opportunity_id)
    lang = str(get_locale() or "en")
    return [{**gate, "day": gate["at"][:10],
             "moves": readiness_moves(gates[n - 1]["readiness"], gate["readiness"]) if n else None,
             "point": {"day": gate["at"][:10], "score": gate["readiness"]["score"],
                       "stage": model.label_text(model.STAGES, gate["stage"], lang)}}
            for n, gate in enumerate(gates)]


def _as_opportunity(G, opportunity_id: str):
    G.graph.update(kind="opportunity", opportunity_id=opportunity_id)
    return G


def _form(days: list[str]) -> dict:
    """What the page's date form shows: the dates asked for and today (the latest a date may be)."""
    return {"date": request.args.get("date") or days[0], "compare": request.args.get("compare") or "",
            "today": datetime.now(timezone.utc).date().isoformat()}


def _marked(data: dict, old: dict, diff: dict) -> dict:
    """The map ``data`` (vis-network nodes and edges) with what changed since
    the map ``old`` marked: a coloured ring for people added or changed, the
    people removed drawn as grey ghosts from ``old``, lines added, changed
    or removed coloured (CHANGE_COLORS; removed lines from ``old``)."""
    state = {p["id"]: kind for kind in ("added", "changed") for p in diff["people"][kind]}
    nodes = [_ringed(n, state.get(n["id"])) for n in data["nodes"]]
    shown = {n["id"] for n in nodes}
    nodes += [{**n, "color": {"background": "#ffffff", "border": CHANGE_COLORS["removed"]}, "borderWidth": 3,
               "shapeProperties": {"borderDashes": [4, 4]}, "change": "removed",
               "font": {"color": "#888888"}}
              for n in old["nodes"] if n["id"] not in shown and any(p["id"] == n["id"]
                                                                    for p in diff["people"]["removed"])]
    lines = {(x["start"], x["end"], x["type"]): kind for kind in ("added", "changed", "removed")
             for x in diff["lines"][kind]}
    edges = [{**e, "color": CHANGE_COLORS[lines[key]], "change": lines[key]} if key in lines else e
             for e in data["edges"] for key in [(e["from"], e["to"], e["kind"])]]
    drawn = {(e["from"], e["to"], e["kind"]) for e in edges}
    ids = {n["id"] for n in nodes}
    edges += [{**e, "color": CHANGE_COLORS["removed"], "change": "removed"} for e in old["edges"]
              if (key := (e["from"], e["to"], e["kind"])) not in drawn and lines.get(key) == "removed"
              and e["from"] in ids and e["to"] in ids]
    return {**data, "nodes": nodes, "edges": edges}


def _ringed(node: dict, change: str | None) -> dict:
    if change is None:
        return node
    background = node["color"]["background"] if isinstance(node.get("color"), dict) else node.get("color")
    return {**node, "color": {"background": background, "border": CHANGE_COLORS[change]}, "borderWidth": 5,
            "change": change}


def _diff_rows(diff: dict | None, lang: str) -> list[dict]:
    """The differences as rows for the page's list: ``{"change", "what", "details"}`` by name, in ``lang``."""
    if diff is None:
        return []
    rows = []
    for change in ("added", "removed", "changed"):
        rows += [{"change": change, "what": p["name"], "details": _fields_text(p.get("fields"), lang)}
                 for p in diff["people"][change]]
        rows += [{"change": change, "what": " ".join((x["start_name"], model.label_text(
                     model.RELATIONSHIP_TYPES, x["type"], lang), x["end_name"])),
                  "details": _fields_text(x.get("fields"), lang)} for x in diff["lines"][change]]
    return rows


def _fields_text(fields: list[dict] | None, lang: str) -> str:
    """``stance Neutral → Skeptic; influence 3 → 4`` in ``lang``."""
    def value(field: str, v) -> str:
        if v is None or v == "":
            return "—"
        return model.label_text(VOCABULARIES[field], v, lang) if field in VOCABULARIES else str(v)

    return _("; ").join(f"{_(FIELD_WORDS.get(f['field'], f['field']))} {value(f['field'], f['before'])} → "
                        f"{value(f['field'], f['after'])}" for f in fields or ())
