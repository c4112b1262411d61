"""The sentences the analysis writes, as stable codes with named parameters.

Every sentence a salesperson reads (a finding's message and action, a
readiness component's evidence and action, the next best action, the stance
outlook's model and assumptions, the tier evidence, why a departure is worth
simulating, why someone is influential) is built here from a *message*:
``{"code": "gap.no_champion", "params": {"opportunity": "Grid upgrade"}}``.

The analysis returns the English sentence (rendered by :func:`render` from
:data:`CATALOG`) and, beside it under ``texts``, the message itself, so that a
user interface can render the same message in another language: the English
template of a code is its gettext ``msgid`` (``%(name)s`` placeholders), and
the caller passes its own ``translate`` and ``role_label`` functions.

Parameters are plain JSON data: names and numbers are shown as they are,
except that

* ``role`` holds a buying-role code (``economic_buyer``...), shown as the
  role's label, and ``roles`` a list of them, joined with " or " (or a list
  of such lists, those joined with ", ");
* a parameter holding a message (a dict with ``code``) is rendered in turn;
* a list of names or messages is joined with ", ".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from graphcrm.analysis._common import role_label as english_role


def N_(text: str) -> str:
    """Mark ``text`` for the translation catalog (pybabel's default keyword)."""
    return text


#: English template of every message, by code.
CATALOG: dict[str, str] = {
    # -- joining lists --------------------------------------------------------
    "join.list": N_("%(first)s, %(rest)s"),
    "join.or": N_("%(first)s or %(rest)s"),
    # -- a stakeholder or one of our people, described -------------------------
    "who.titled": N_("%(name)s (%(title)s)"),
    "who.titled_role": N_("%(name)s (%(title)s, %(role)s)"),
    "who.stakeholder": N_("%(name)s (stakeholder)"),
    "who.stakeholder_role": N_("%(name)s (stakeholder, %(role)s)"),
    "who.ours_titled": N_("%(name)s (our %(title)s)"),
    "who.ours": N_("%(name)s (our team member)"),
    # -- coverage gaps ---------------------------------------------------------
    "gap.empty_buying_center": N_(
        "Nobody is in the buying center of %(opportunity)s yet: no gap in it can be judged until its people are mapped."
    ),
    "gap.empty_buying_center.action": N_(
        "Map who decides, who evaluates and who buys, and add them to the buying center."
    ),
    "gap.account_unmapped": N_("Nobody at %(account)s is recorded yet: its coverage cannot be judged."),
    "gap.account_unmapped.action": N_(
        "Add the account's decision-makers and influencers (a pasted list from Excel is the quickest way)."
    ),
    "gap.account_unknown_to_us": N_(
        "Nobody on our team has a relationship with any of the %(people)s people recorded at %(account)s."
    ),
    "gap.account_unknown_to_us.action": N_(
        "Record who on our team knows whom, or plan first meetings with the most influential people."
    ),
    "gap.missing_role": N_("No %(roles)s identified for %(opportunity)s."),
    "gap.missing_role.action": N_("Ask our contacts who acts as %(roles)s and add them to the buying center."),
    "gap.no_access.weak": N_("We have only a strength-%(strength)s relationship with the %(role)s, %(who)s."),
    "gap.no_access.none": N_("We have no relationship at all with the %(role)s, %(who)s."),
    "gap.no_access.action": N_(
        "Get a senior sponsor on our side introduced to %(name)s; see the warm introduction paths."
    ),
    "gap.uncovered_blocker.blocker": N_(
        "%(who)s is a blocker with influence %(influence)s, and nobody we know well can work on them."
    ),
    "gap.uncovered_blocker.opponent": N_(
        "%(who)s is an opponent with influence %(influence)s, and nobody we know well can work on them."
    ),
    "gap.uncovered_blocker.action": N_(
        "Find out %(name)s's objections and win over someone who influences them, or meet them directly."
    ),
    "gap.uncovered_high_influence": N_(
        "%(who)s has influence %(influence)s but no strong relationship with our team."
    ),
    "gap.uncovered_high_influence.action": N_("Plan a meeting with %(name)s, ideally through a warm introduction."),
    "gap.stale_relationship.days": N_(
        "Our strong relationship with %(who)s is going stale: last contact %(days)s days ago, "
        "cadence %(cadence)s days."
    ),
    "gap.stale_relationship.never": N_(
        "Our strong relationship with %(who)s is going stale: last contact never recorded, "
        "cadence %(cadence)s days."
    ),
    "gap.stale_relationship.action": N_("%(owner)s should contact %(name)s this week."),
    "gap.no_champion": N_(
        "%(opportunity)s has a coach but nobody who actively sells for us inside the customer."
    ),
    "gap.no_champion.action": N_(
        "Develop a champion among the supporters with influence; ask the coach who could carry our case."
    ),
    "gap.weak_champion.influence": N_("Our champion %(who)s has low influence (%(influence)s)."),
    "gap.weak_champion.relationship": N_(
        "Our champion %(who)s has a weak relationship with us (best strength %(strength)s)."
    ),
    "gap.weak_champion.both": N_(
        "Our champion %(who)s has low influence (%(influence)s) and a weak relationship with us "
        "(best strength %(strength)s)."
    ),
    "gap.weak_champion.strengthen": N_("Strengthen the relationship with %(name)s."),
    "gap.weak_champion.replace": N_("Find a champion with more influence; ask %(name)s to introduce one."),
    "gap.single_threaded.none": N_(
        "%(opportunity)s is single-threaded: no strong contact in a buying center of %(size)s."
    ),
    "gap.single_threaded.one": N_(
        "%(opportunity)s is single-threaded: only one strong contact (%(name)s) in a buying center of %(size)s."
    ),
    "gap.single_threaded.action": N_(
        "Build strong relationships with at least two more stakeholders, starting with the decision-makers."
    ),
    "gap.single_owner": N_(
        "All %(count)s strong relationships in %(opportunity)s are held by one person on our side, %(owner)s."
    ),
    "gap.single_owner.action": N_("Bring a second team member into the relationships %(owner)s holds."),
    "gap.single_point_of_failure": N_("If %(who)s left, we would lose our only path to %(targets)s."),
    "gap.single_point_of_failure.action": N_(
        "Build a second relationship to %(name)s that does not depend on %(via)s."
    ),
    "gap.blocker_on_path": N_(
        "Every short path from our champion %(champion)s to the %(role)s %(target)s runs through "
        "%(blockers)s, who opposes us."
    ),
    "gap.blocker_on_path.action": N_(
        "Open a direct line from %(champion)s or our team to %(target)s, or neutralise %(blockers)s."
    ),
    "gap.competitor_closer": N_(
        "%(competitor)s has a stronger relationship with %(who)s (strength %(theirs)s) than we do (%(ours)s)."
    ),
    "gap.competitor_closer.unknown": N_(
        "%(competitor)s has a stronger relationship with %(who)s (strength %(theirs)s) than we do (none)."
    ),
    "gap.detractor": N_("%(who)s gave us a detractor's score, %(score)s/10, %(days)s days ago."),
    "gap.detractor.action": N_(
        "Hear %(name)s's complaint in person, agree what we will fix, and answer the follow-up before the decision."
    ),
    "gap.competitor_closer.action": N_(
        "Raise our relationship with %(name)s: more senior contact, a reference visit, or a workshop."
    ),
    "gap.quiet_period": N_(
        "%(gap)s It cannot be closed now: %(name)s may not be approached while %(opportunity)s is in its quiet "
        "period."
    ),
    "gap.quiet_period.action": N_(
        "Wait for the award: until then meet the evaluation committee and officials only at the formal "
        "clarification meeting, and log it with a reason."
    ),
    # -- bid readiness ------------------------------------------------------------
    "ready.role_missing": N_("No %(role)s identified."),
    "ready.identify_role": N_("Identify the %(role)s."),
    "ready.economic_buyer.known": N_("Economic buyer %(name)s: best relationship strength %(strength)s (%(owner)s)."),
    "ready.economic_buyer.stale": N_(
        "Economic buyer %(name)s: best relationship strength %(strength)s (%(owner)s), stale."
    ),
    "ready.economic_buyer.unknown": N_("Economic buyer %(name)s: nobody on our team knows them."),
    "ready.decision_maker.known": N_("Decision maker %(name)s: best relationship strength %(strength)s (%(owner)s)."),
    "ready.decision_maker.stale": N_(
        "Decision maker %(name)s: best relationship strength %(strength)s (%(owner)s), stale."
    ),
    "ready.decision_maker.unknown": N_("Decision maker %(name)s: nobody on our team knows them."),
    "ready.sponsor": N_("Get a senior sponsor in front of %(name)s (%(role)s)."),
    "ready.keep_economic_buyer": N_("Keep the economic buyer engaged."),
    "ready.no_champion": N_("No champion or coach identified."),
    "ready.develop_champion": N_("Develop a champion: a supporter with influence who will sell for us internally."),
    "ready.champion": N_("Champion %(name)s: influence %(influence)s, best relationship strength %(strength)s."),
    "ready.coach": N_("Coach %(name)s: influence %(influence)s, best relationship strength %(strength)s."),
    "ready.strengthen": N_("Strengthen the relationship with %(name)s."),
    "ready.introduce_champion": N_("Ask %(name)s to introduce a champion with more influence."),
    "ready.coach_champion": N_("Coach the champion on our differentiators."),
    "ready.roles_identified": N_("%(found)s of %(total)s key roles identified."),
    "ready.roles_missing": N_("Missing: %(roles)s."),
    "ready.roles_unreached": N_("Identified but not reached: %(roles)s."),
    "ready.map_role": N_("Map the %(roles)s."),
    "ready.reach_role": N_("Reach the %(roles)s."),
    "ready.confirm_process": N_("Confirm the decision process and criteria with the champion."),
    "ready.threads": N_("%(contacts)s stakeholder(s) with a strong relationship, held by %(owners)s of our people."),
    "ready.threads_named": N_(
        "%(contacts)s stakeholder(s) with a strong relationship, held by %(owners)s of our people (%(names)s)."
    ),
    "ready.more_threads": N_("Build strong relationships with more stakeholders."),
    "ready.second_owner": N_("Bring a second team member into the key relationships."),
    "ready.keep_threads": N_("Keep several threads alive."),
    "ready.recency": N_("%(fresh)s of %(total)s stakeholders contacted within their cadence."),
    "ready.contact": N_("Contact %(name)s this week."),
    "ready.keep_cadence": N_("Keep the cadence."),
    "ready.no_competitors": N_("No competitor relationships recorded in the buying center."),
    "ready.empty_buying_center": N_(
        "Nobody is in the buying center yet: there is nothing to weigh against the competitors."
    ),
    "ready.map_buying_center": N_("Add the customer's people who take part in this decision to the buying center."),
    "ready.watch_competitors": N_("Keep watching the competitors."),
    "ready.competitors": N_("Competitors know %(known)s stakeholder(s); they are closer than us to %(closer)s."),
    "ready.out_engage": N_("Out-engage the competition with %(name)s."),
    "ready.hold_lead": N_("Hold our lead over the competitors."),
    # -- stance outlook -------------------------------------------------------------
    "outlook.model": N_("Friedkin-Johnsen influence averaging (DeGroot with stubbornness)"),
    "outlook.opinions": N_(
        "Opinions of us lie in [-1, 1] (advocate +1 ... opponent -1) and move linearly toward the average of "
        "the people who sway them."
    ),
    "outlook.current": N_(
        "Influence ties and stances recorded in the graph are current; nobody outside the graph weighs in."
    ),
    "outlook.stubborn": N_(
        "Advocates and opponents are stubborn (keep %(committed)s %% of their initial view), supporters and "
        "skeptics %(leaning)s %%, neutrals %(neutral)s %%."
    ),
    "outlook.voices": N_(
        "Our team and each competitor act as fixed voices weighted by their best relationship strength."
    ),
    "outlook.no_voices": N_("Our and the competitors' relationships are not counted."),
    # -- who to simulate leaving (what-if) -----------------------------------------------
    "whatif.champion": N_("our champion"),
    "whatif.account_manager": N_("our account manager, holds %(count)s strong relationship(s) in the deal"),
    # -- suggested tier evidence (portfolio) ------------------------------------------------
    "tier.strong_contacts": N_("%(count)s strong contact(s)"),
    "tier.executive_contacts": N_("%(count)s executive contact(s)"),
    "tier.departments": N_("%(count)s department(s) covered"),
    "tier.won": N_("%(count)s won project(s)"),
    "tier.loyalty": N_("sustained promoters: NPS %(nps)s from %(responses)s scores over %(days)s days"),
    # -- why an account needs attention (portfolio) -----------------------------------------
    "attention.recorded_at_risk": N_("The account team recorded %(account)s as at risk."),
    "attention.closing_no_decider": N_(
        "%(opportunity)s closes in %(days)s days and nobody on our team has a working relationship with its %(roles)s."
    ),
    "attention.key_people_silent": N_(
        "Nobody on our team has been in touch with any of its %(count)s key stakeholders for %(days)s days."
    ),
    "attention.recent_loss": N_("%(opportunity)s was lost %(days)s days ago."),
    "attention.satisfaction_falling": N_(
        "Customer satisfaction fell by %(points)s points over the last 12 months (latest score %(latest)s/10)."
    ),
    "attention.follow_up_overdue": N_(
        "The follow-up to %(people)s's feedback of %(date)s is %(days)s days overdue (owner: %(owner)s)."
    ),
    "attention.detractor_in_buying_center": N_(
        "%(people)s, in the buying center of %(opportunity)s, gave us a detractor's score (0 to 6) "
        "in the last 12 months."
    ),
    # -- satisfaction (voice of the customer) -------------------------------------------------
    "satisfaction.none": N_("No feedback recorded."),
    "satisfaction.summary": N_(
        "Latest satisfaction %(score)s/10 (%(category)s) on %(date)s; NPS %(nps)s from %(responses)s scores "
        "in 12 months; %(trend)s."
    ),
    "satisfaction.summary.old": N_(
        "Latest satisfaction %(score)s/10 (%(category)s) on %(date)s; no score in the last 12 months."
    ),
    "satisfaction.promoter": N_("promoter"),
    "satisfaction.passive": N_("passive"),
    "satisfaction.detractor": N_("detractor"),
    "satisfaction.trend.falling": N_("falling by %(points)s points"),
    "satisfaction.trend.rising": N_("rising by %(points)s points"),
    "satisfaction.trend.steady": N_("steady"),
    "satisfaction.trend.unknown": N_("too few scores for a trend"),
    # -- why someone is influential ---------------------------------------------------------
    "influence.holds_role": N_("is the %(role)s in this deal"),
    "influence.reports_to": N_("reports to the %(role)s (%(name)s)"),
    "influence.manages_one": N_("manages 1 person"),
    "influence.manages": N_("manages %(count)s people"),
    "influence.evaluators_one": N_("influences 1 evaluator"),
    "influence.evaluators": N_("influences %(count)s evaluators"),
    "influence.influences_one": N_("influences 1 person"),
    "influence.influences": N_("influences %(count)s people"),
    "influence.listens_one": N_("listens to 1 person"),
    "influence.listens": N_("listens to %(count)s people"),
    "influence.declared": N_("declared influence %(influence)s"),
}


def say(code: str, **params) -> dict:
    """The message ``code`` with ``params`` (checked against :data:`CATALOG`)."""
    if code not in CATALOG:
        raise KeyError(f"no message {code!r} in the catalog")
    return {"code": code, "params": params}


def join(items: list, how: str = "join.list"):
    """Several names or messages as one (``how``: ``join.list`` or ``join.or``)."""
    if len(items) == 1:
        return items[0]
    return say(how, first=items[0], rest=join(items[1:], how))


def render(
    msg: Mapping,
    *,
    translate: Callable[[str], str] | None = None,
    role_label: Callable[[str], str] | None = None,
) -> str:
    """The sentence of ``msg``: English by default, else with the caller's
    ``translate`` (template -> translated template) and ``role_label``
    (buying-role code -> label).  Raises ``KeyError`` for an unknown code."""
    template = CATALOG[msg["code"]]
    if translate is not None:
        template = translate(template)
    params = msg.get("params")
    if params:
        role_label = role_label or english_role
        params = {
            k: v if type(v) in _PLAIN and k != "role" else _value(k, v, translate, role_label)
            for k, v in params.items()
        }
    return template % (params or {})


_PLAIN = (str, int, float)


def _value(key, v, translate, role_label):
    """A parameter as shown in the sentence (see the module text)."""
    if key == "role":
        return role_label(v)
    if key == "roles":  # roles ("a or b"), or groups of them ("a or b, c")
        if v and isinstance(v[0], list):
            return _value("", [_value("roles", group, translate, role_label) for group in v], translate, role_label)
        return _value("", join([role_label(r) for r in v], "join.or"), translate, role_label)
    if isinstance(v, Mapping):
        return render(v, translate=translate, role_label=role_label)
    if isinstance(v, list):
        return _value("", join(v), translate, role_label)
    return v


def english(msgs: list) -> list[str]:
    """The English sentences of several messages."""
    return [render(m) for m in msgs]


__all__ = ["CATALOG", "english", "join", "render", "say"]
