"""The bid review pack: what an opportunity's (or an account's) review
meeting prints, as a PDF of at most two A4 pages (/opportunities/<id>/review.pdf,
/accounts/<id>/review.pdf, ``graphcrm review``).

One function renders the pack's HTML for the web and the command
(:func:`pack_html`, templates/review/pack.html); :mod:`graphcrm.review`
makes it a PDF.  The opportunity's pack holds the power map, readiness with
its components, the top gaps and their actions, the buying center with our
relationships, the competitors and what changed since the last review; the
account's, its stakeholder network, open bids with their readiness, its top
gaps, key stakeholders and what changed.

"Since the last review": since the opportunity's last stage change if there
was one in the last ``STAGE_LOOK_BACK_DAYS`` days (a stage gate is a review),
else the last ``RECENT_DAYS`` days; the pack says which.

The map is drawn as SVG on the server, at the places the page draws it
(static/network.js): the power map at the org chart's rows and columns that
:func:`graphcrm.web.network.power_map_data` computes; the account network
where the team saved its positions (issue 17), and the nodes without a saved
place by networkx's spring layout from the page's seed (the page lays them
out with vis-network's physics in the browser, which no server can repeat).
"""

from __future__ import annotations

import io
import json
import math
from datetime import date, datetime, timedelta, timezone

import networkx as nx
from flask import Blueprint, render_template, request, send_file
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from graphcrm import analysis
from graphcrm.errors import ValidationError
from graphcrm.history import about
from graphcrm.review import pdf_of
from graphcrm.web import LANGUAGES, in_language
from graphcrm.web.access import require_account, visible_account_ids
from graphcrm.web.accounts import people_rows
from graphcrm.web.db import get_store
from graphcrm.web.history import change_rows
from graphcrm.web.network import EDGE_STYLES, network_data, power_map_data
from graphcrm.web.reports import account_coverage, account_graph, opportunity_graph, opportunity_report

bp = Blueprint("review", __name__)

#: the changes shown are those of this many days, without a recent stage change
RECENT_DAYS = 14
#: a stage change this recent marks the last review
STAGE_LOOK_BACK_DAYS = 90
#: at most this many gaps, changes and key stakeholders: the pack stays on two pages
TOP_FINDINGS = 5
TOP_CHANGES = 8
TOP_PEOPLE = 10
#: the org chart's spacing in px and the force layout's seed, as static/network.js has them
ORG_CHART_COLUMN, ORG_CHART_ROW = 150, 120
LAYOUT_SEED = 20261
FORCE_ITERATIONS = 300
#: the force layout's radius per square root of the nodes, in px of the map
SPREAD = 90
#: the picture's margin around the nodes, in px of the map (names stand under their node)
MAP_MARGIN = 70
#: the names' size in px of the map: the page's, or larger on a wide map, so that this many fit across
MAP_FONT, MAP_FONTS_ACROSS = 14, 60
#: the picture's width on the page, and its greatest height, in mm
MAP_WIDTH_MM, MAP_HEIGHT_MM = 180, 95
#: a small map is drawn no larger than this (mm per px of the map: a name of 14 px is 8 pt)
MAP_MM_PER_PX = 0.2


@bp.route("/opportunities/<opportunity_id>/review.pdf")
@login_required
def opportunity_pdf(opportunity_id: str):
    """The opportunity's review pack as a PDF, in the user's language or ``?lang=en|zh``."""
    account_id = require_account("Opportunity", opportunity_id)
    lang = _pack_language()
    with in_language(lang):
        html = pack_html(get_store(), "opportunity", opportunity_id, account_id, G=opportunity_graph(opportunity_id),
                         report=opportunity_report(opportunity_id), visible=visible_account_ids())
    return _pdf_response(pdf_of(html, lang), f"review-{opportunity_id}-{lang}.pdf")


@bp.route("/accounts/<account_id>/review.pdf")
@login_required
def account_pdf(account_id: str):
    """The account's review pack as a PDF, in the user's language or ``?lang=en|zh``."""
    require_account("Account", account_id)
    lang = _pack_language()
    with in_language(lang):
        html = pack_html(get_store(), "account", account_id, account_id, G=account_graph(account_id),
                         report=account_coverage(account_id), visible=visible_account_ids())
    return _pdf_response(pdf_of(html, lang), f"review-{account_id}-{lang}.pdf")


def operator_pdf(store, scope: str, node_id: str, lang: str) -> bytes:
    """The pack of an opportunity or account (``scope``) over the whole graph,
    as the operator sees it (``graphcrm review``); inside an app context."""
    if scope == "opportunity":
        account_id = store.account_of("Opportunity", node_id)
        G = store.opportunity_graph(node_id)
        report = analysis.opportunity_report(G, node_id)
    else:
        account_id = node_id
        G = store.account_graph(node_id)
        report = analysis.account_coverage(G, node_id)
    with in_language(lang):
        html = pack_html(store, scope, node_id, account_id, G=G, report=report, visible=None)
    return pdf_of(html, lang)


def _pack_language() -> str:
    """``?lang=`` if given (en or zh), else the page's language."""
    lang = request.args.get("lang") or str(get_locale() or "en")
    if lang not in LANGUAGES:
        raise ValidationError("lang", _("must be one of: %(values)s", values=", ".join(LANGUAGES)))
    return lang


def _pdf_response(pdf: bytes, filename: str):
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=filename)


def pack_html(store, scope: str, node_id: str, account_id: str | None, *, G, report: dict,
              visible: set[str] | None, today: date | None = None) -> str:
    """The review pack of an opportunity or account (``scope``) as one HTML
    document, in the current language: ``G`` and ``report`` are the graph and
    analysis the reader may see, ``visible`` the accounts they may see (None: all)."""
    today = today or datetime.now(timezone.utc).date()
    if scope == "opportunity":
        data = power_map_data(G, node_id, report["buying_center"], str(get_locale() or "en"))
        positions = {n["id"]: (n["column"] * ORG_CHART_COLUMN, n["level"] * ORG_CHART_ROW) for n in data["nodes"]}
        subject = {"report": report, "findings": report["findings"][:TOP_FINDINGS]}
    else:
        data = network_data(G)
        positions = network_positions(data)
        key_people = [p for p in people_rows(G, node_id) if (p.get("influence") or 0) >= 4][:TOP_PEOPLE]
        subject = {"report": report, "findings": _by_severity(report["findings"])[:TOP_FINDINGS],
                   "account": G.nodes[node_id], "key_people": key_people}
    about_ids = [node_id] + [m["id"] for m in report["buying_center"]] if scope == "opportunity" else None
    changes = since_last_review(store, account_id, about_ids, visible, today)
    return render_template("review/pack.html", scope=scope, today=today.isoformat(), changes=changes,
                           picture=map_picture(data, positions), top_changes=TOP_CHANGES, **subject)


def _by_severity(findings: list[dict]) -> list[dict]:
    rank = {"high": 0, "medium": 1, "low": 2}
    return sorted(findings, key=lambda f: rank.get(f.get("severity"), 3))


# -- what changed since the last review ------------------------------------------------------------


def since_last_review(store, account_id: str | None, about_ids: list[str] | None, visible: set[str] | None,
                      today: date) -> dict:
    """What changed at the account since the last review; with ``about_ids``
    (an opportunity, then the people of its buying center), what changed about
    them: ``{"since": ISO date, "stage": the stage the bid moved to or None
    (then: the last ``days`` days, RECENT_DAYS), "days", "rows": [...]}`` with
    the rows of :func:`graphcrm.web.history.change_rows`, newest first."""
    if account_id is None:
        return {"since": (today - timedelta(days=RECENT_DAYS)).isoformat(), "days": RECENT_DAYS, "stage": None,
                "rows": []}
    look_back = STAGE_LOOK_BACK_DAYS if about_ids else RECENT_DAYS
    history = store.account_history(account_id, (today - timedelta(days=look_back)).isoformat())
    if about_ids:
        concerned = {id(e) for node_id in about_ids for e in about(history, node_id)["entries"]}
        history = {**history, "entries": [e for e in history["entries"] if id(e) in concerned]}
    stage_change = _last_stage_change(history["entries"], about_ids[0] if about_ids else None)
    since = stage_change["at"] if stage_change else (today - timedelta(days=RECENT_DAYS)).isoformat()
    history = {**history, "entries": [e for e in history["entries"] if e["at"] >= since]}
    return {"since": since[:10], "days": RECENT_DAYS, "stage": stage_change["stage"] if stage_change else None,
            "rows": change_rows(history, visible)}


def _last_stage_change(entries: list[dict], opportunity_id: str | None) -> dict | None:
    """When the opportunity last changed stage, and to which: ``{"at", "stage"}``; None: not in ``entries``."""
    last = None
    for entry in entries:  # oldest first
        if entry["target_id"] != opportunity_id or entry["action"] != "update":
            continue
        before, after = json.loads(entry.get("before") or "{}"), json.loads(entry.get("after") or "{}")
        if after.get("stage") and after.get("stage") != before.get("stage"):
            last = {"at": entry["at"], "stage": after["stage"]}
    return last


# -- the map as SVG --------------------------------------------------------------------------------


def network_positions(data: dict) -> dict[str, tuple[float, float]]:
    """Where the account network's nodes stand: the team's saved places; the
    others by a force layout seeded as the page's (networkx's ForceAtlas2,
    the page's solver, when nothing is saved; else the spring layout around
    the saved places, which stay put)."""
    saved = {n: tuple(xy) for n, xy in data["saved_layout"]["positions"].items()}
    node_ids = [n["id"] for n in data["nodes"]]
    if all(n in saved for n in node_ids):
        return {n: saved[n] for n in node_ids}
    H = nx.Graph()
    H.add_nodes_from(node_ids)
    H.add_edges_from((e["from"], e["to"]) for e in data["edges"])
    if not saved:
        # strong gravity keeps the people the map does not link to anyone near the rest
        placed = nx.forceatlas2_layout(H, max_iter=FORCE_ITERATIONS, strong_gravity=True, seed=LAYOUT_SEED)
        return {n: (float(x), float(y))
                for n, (x, y) in nx.rescale_layout_dict(placed, scale=SPREAD * math.sqrt(len(node_ids))).items()}
    # the spring layout works in a unit square: the saved places are scaled into it and back
    span = max(abs(c) for xy in saved.values() for c in xy) or 1.0
    placed = nx.spring_layout(H, pos={n: (x / span, y / span) for n, (x, y) in saved.items()}, fixed=list(saved),
                              seed=LAYOUT_SEED)
    return {n: (float(x) * span, float(y) * span) for n, (x, y) in placed.items()}


def map_picture(data: dict, positions: dict[str, tuple[float, float]]) -> dict:
    """The map's nodes and lines at ``positions`` (px), ready for the SVG of
    templates/review/_map.svg: each node's shape (``points`` of a polygon, or
    a circle or box), colours and name lines; each line's path, style and
    mid-line arrow; the ``viewbox`` round them all and the size on the page."""
    xs, ys = [x for x, _y in positions.values()], [y for _x, y in positions.values()]
    font = max(MAP_FONT, (max(xs + ys, default=0) - min(xs + ys, default=0)) / MAP_FONTS_ACROSS)
    nodes = [_node_picture(n, positions[n["id"]], font) for n in data["nodes"]]
    edges = [_edge_picture(e, positions[e["from"]], positions[e["to"]], data["edge_styles"][e["kind"]])
             for e in data["edges"] if e["kind"] in EDGE_STYLES and e["from"] in positions and e["to"] in positions]
    if not nodes:
        return {"nodes": [], "edges": []}
    left = min(n["x"] - n["half_width"] for n in nodes) - MAP_MARGIN
    right = max(n["x"] + n["half_width"] for n in nodes) + MAP_MARGIN
    top = min(n["y"] - n["r"] for n in nodes) - MAP_MARGIN / 2
    bottom = max(n["y"] + n["r"] + 1.2 * font * len(n["lines"]) for n in nodes) + MAP_MARGIN / 2
    width, height = right - left, bottom - top
    height_mm = min(MAP_HEIGHT_MM, MAP_WIDTH_MM * height / width, MAP_MM_PER_PX * height)
    return {"nodes": nodes, "edges": edges, "font": round(font, 1), "line": round(1.15 * font, 1),
            "viewbox": f"{left:.0f} {top:.0f} {width:.0f} {height:.0f}",
            "width_mm": round(min(MAP_WIDTH_MM, height_mm * width / height), 1), "height_mm": round(height_mm, 1)}


def _text_width(text: str, size: float = 14) -> float:
    """About how wide ``text`` is drawn: a Chinese character a square, a Latin one half of one."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.55 for ch in text)


def _node_picture(n: dict, xy: tuple[float, float], font: float) -> dict:
    x, y = xy
    color = n.get("color")
    fill, stroke = (color.get("background"), color.get("border")) if isinstance(color, dict) else (color, "#666666")
    lines = str(n.get("label") or "").split("\n")
    widest = max(_text_width(line, font) for line in lines)
    r = float(n.get("size") or 12)
    dashes = (n.get("shapeProperties") or {}).get("borderDashes")
    picture = {"x": x, "y": y, "r": r, "shape": n.get("shape", "dot"), "fill": fill or "#bdbdbd",
               "stroke": stroke or "#666666", "stroke_width": n.get("borderWidth", 1), "lines": lines,
               "dashes": " ".join(str(d) for d in dashes) if dashes else None,
               "half_width": max(widest / 2, r), "points": _polygon(n.get("shape", "dot"), x, y, r)}
    if picture["shape"] == "box":
        picture.update(r=0.6 * font * len(lines) + 4, half_width=widest / 2 + 6)
    return picture


def _polygon(shape: str, x: float, y: float, r: float) -> str | None:
    """The points of a node's polygon (vis-network's shapes), None for a circle or a box."""
    if shape == "star":
        corners = [(r if i % 2 == 0 else r * 0.45, -math.pi / 2 + i * math.pi / 5) for i in range(10)]
    elif shape in ("diamond", "square"):
        turn = 0 if shape == "diamond" else math.pi / 4
        corners = [(r * (1 if shape == "diamond" else math.sqrt(2)), turn + i * math.pi / 2) for i in range(4)]
    elif shape in ("triangle", "triangleDown"):
        start = -math.pi / 2 if shape == "triangle" else math.pi / 2
        corners = [(r, start + i * 2 * math.pi / 3) for i in range(3)]
    else:
        return None
    return " ".join(f"{x + d * math.cos(a):.1f},{y + d * math.sin(a):.1f}" for d, a in corners)


def _edge_picture(e: dict, a: tuple[float, float], b: tuple[float, float], style: dict) -> dict:
    """A line's path: straight, or bent to one side by its ``smooth`` roundness
    (clockwise to the right of its direction); its arrow at the middle."""
    (x1, y1), (x2, y2) = a, b
    dx, dy = x2 - x1, y2 - y1
    bend = 0.0
    if style.get("smooth"):
        bend = style["smooth"]["roundness"] * (1 if style["smooth"]["type"] == "curvedCW" else -1)
    cx, cy = (x1 + x2) / 2 - bend * dy, (y1 + y2) / 2 + bend * dx
    path = f"M{x1:.1f} {y1:.1f} Q{cx:.1f} {cy:.1f} {x2:.1f} {y2:.1f}"
    mx, my = (x1 + x2) / 4 + cx / 2, (y1 + y2) / 4 + cy / 2
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    arrow = None
    if style.get("arrows"):
        arrow = (f"{mx + 7 * ux:.1f},{my + 7 * uy:.1f} {mx - 5 * ux - 5 * uy:.1f},{my - 5 * uy + 5 * ux:.1f} "
                 f"{mx - 5 * ux + 5 * uy:.1f},{my - 5 * uy - 5 * ux:.1f}")
    dashes = " ".join(str(d) for d in style["dashes"]) if style.get("dashes") else None
    return {"d": path, "color": style["color"], "width": style["width"], "dashes": dashes, "arrow": arrow}
