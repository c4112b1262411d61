"""Tender compliance: a bid's quiet period, the people a bidder may not approach in it, and gifts.

Public-sector and state-owned customers buy through formal tenders.  Once a
tender is published the bidders must not approach the evaluation committee,
gifts and hospitality to officials are limited, and a later audit asks who
met whom.  The rules:

* A person marked with a :data:`~graphcrm.model.COMPLIANCE_ROLES` role
  (evaluation-committee member, procurement official, public official) is
  *restricted* while an opportunity of their account is in its *quiet
  period* (:func:`graphcrm.analysis.compliance.in_quiet_period`): from the opportunity's ``quiet_start``
  to its ``quiet_end`` when it has them, else while its stage is one of
  :data:`~graphcrm.model.QUIET_STAGES` (from the tender to the award).
* An interaction on a day of a quiet period with a person restricted then is
  refused, unless it is of a :data:`~graphcrm.model.QUIET_PERIOD_KINDS` kind
  (the formal clarification meeting) and gives a reason
  (``compliance_reason``); it is then flagged (``quiet_period_flag``).
* Gifts and hospitality (``gift_value`` in ``gift_currency``) given to a
  person in a calendar year, up to the interaction's moment, are added up in the reporting currency
  (:mod:`graphcrm.analysis.money`); above the annual limit
  (``GRAPHCRM_GIFT_LIMIT``) the interaction is saved with a warning and
  flagged (``gift_limit_flag``).  A gift recorded on an interaction with
  several people counts in full for each of them.

:func:`decide` is the rule, a pure function of the facts;
``GraphStore.compliance_decision`` reads the facts and asks it, and every
path that writes an interaction (the forms, the API, imports) goes through
that one method.  Each decision (a refusal, an interaction allowed with a
reason, a limit exceeded) is an entry of the audit log.

>>> opp = {"id": "o1", "name": "Grid upgrade", "stage": "tender"}
>>> person = {"id": "p1", "name": "王强", "compliance_role": "evaluation_committee", "opportunities": [opp]}
>>> decide({"kind": "meeting", "at": "2026-05-01T09:00:00+00:00"}, [person]).refused.field
'kind'
>>> d = decide({"kind": "clarification", "at": "2026-05-01T09:00:00+00:00", "compliance_reason": "Q&A"}, [person])
>>> d.refused is None, d.flags()["quiet_period_flag"]
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from graphcrm.analysis.compliance import in_quiet_period
from graphcrm.analysis.money import DEFAULT_CURRENCY, DEFAULT_RATES, in_reporting
from graphcrm.errors import ValidationError
from graphcrm.model import COMPLIANCE_ROLES, QUIET_PERIOD_KINDS

#: the default annual limit of gifts and hospitality per person, in the reporting currency
#: (GRAPHCRM_GIFT_LIMIT overrides it)
DEFAULT_GIFT_LIMIT = 500.0


def N_(template: str) -> str:
    """Marks a template for translation (the web layer shows it in the user's language)."""
    return template


class ComplianceRefused(ValidationError):
    """An interaction a quiet period forbids: ``template`` and ``params`` say
    why (the web layer translates them), ``message`` in English."""

    def __init__(self, field_name: str, template: str, **params):
        super().__init__(field_name, template % params)
        self.template = template
        self.params = params


@dataclass(frozen=True)
class Policy:
    """What the rules need beyond the graph: the annual gift limit per person
    (in the reporting currency; None: no limit) and the rate table."""

    gift_limit: float | None = DEFAULT_GIFT_LIMIT
    rates: Mapping = field(default_factory=lambda: DEFAULT_RATES)


def is_restricted_role(person: Mapping) -> bool:
    """Whether ``person`` has a compliance role (may be restricted in a quiet period)."""
    return person.get("compliance_role") in COMPLIANCE_ROLES


def quiet_opportunities(person: Mapping, day: date) -> list[Mapping]:
    """The opportunities (``person["opportunities"]``: those of the person's
    account) that make a person with a compliance role restricted on ``day``."""
    if not is_restricted_role(person):
        return []
    return [o for o in person.get("opportunities") or () if in_quiet_period(o, day)]


@dataclass
class Decision:
    """The compliance decision on one interaction: ``refused`` (the error, or
    None), ``quiet`` (the restricted people met in a quiet period, allowed
    with a reason) and ``over_limit`` (people whose gifts this year exceed
    the limit with this one: ``{id, name, total, limit, currency}``)."""

    refused: ComplianceRefused | None = None
    quiet: list[dict] = field(default_factory=list)
    over_limit: list[dict] = field(default_factory=list)

    def flags(self) -> dict:
        """The flags the interaction is stored with (None: not flagged)."""
        return {"quiet_period_flag": True if self.quiet else None,
                "gift_limit_flag": True if self.over_limit else None}

    def audit_details(self) -> list[tuple[str, dict]]:
        """(action, details) of each audit entry the decision calls for."""
        out = []
        if self.refused is not None:
            out.append(("compliance_refused", {"reason": self.refused.message, "people": self.quiet}))
        elif self.quiet:
            out.append(("compliance_allowed", {"people": self.quiet}))
        if self.over_limit and self.refused is None:
            out.append(("gift_limit_exceeded", {"people": self.over_limit}))
        return out


def decide(props: Mapping, people: Iterable[Mapping], policy: Policy | None = None) -> Decision:
    """The compliance decision on an interaction (validated ``props``) with ``people``.

    Parameters
    ----------
    props : mapping
        The interaction's properties: ``kind``, ``at``, ``compliance_reason``,
        ``gift_value``, ``gift_currency``.
    people : iterable of mapping
        Each person met: ``id``, ``name``, ``compliance_role``,
        ``opportunities`` (those of their account: ``id``, ``name``,
        ``stage``, ``quiet_start``, ``quiet_end``) and ``gifts`` (the
        ``(value, currency)`` of the other gifts given to them in the
        interaction's calendar year, before it).
    policy : Policy, optional
        The gift limit and rates (default: :class:`Policy`).

    Returns
    -------
    Decision
        Refused when a restricted person is met in a quiet period and the
        interaction is not of an allowed kind with a reason.

    Examples
    --------
    >>> gifts = {"id": "p1", "name": "Li", "gifts": [(400, "CNY")], "opportunities": []}
    >>> decide({"kind": "meeting", "at": "2026-05-01T09:00:00+00:00", "gift_value": 20, "gift_currency": "USD"},
    ...        [gifts]).over_limit
    [{'id': 'p1', 'name': 'Li', 'total': 542.0, 'limit': 500.0, 'currency': 'CNY'}]
    """
    policy = policy or Policy()
    day = date.fromisoformat(str(props["at"])[:10])
    people = list(people)
    quiet = [{"id": p["id"], "name": p.get("name"), "role": p.get("compliance_role"),
              "opportunities": [{"id": o["id"], "name": o.get("name")} for o in quiet_opportunities(p, day)]}
             for p in people]
    quiet = [q for q in quiet if q["opportunities"]]
    return Decision(refused=_refusal(props, quiet), quiet=quiet, over_limit=_over_limit(props, people, policy))


def _refusal(props: Mapping, quiet: list[dict]) -> ComplianceRefused | None:
    if not quiet:
        return None
    first = quiet[0]
    params = {"name": first["name"] or first["id"], "opportunity": first["opportunities"][0]["name"]}
    if props.get("kind") not in QUIET_PERIOD_KINDS:
        return ComplianceRefused("kind", N_(
            "%(name)s may not be approached: the bid %(opportunity)s is in its quiet period. Only a formal "
            "clarification meeting, with a reason, may be logged."), **params)
    if not str(props.get("compliance_reason") or "").strip():
        return ComplianceRefused("compliance_reason", N_(
            "%(name)s is restricted while the bid %(opportunity)s is in its quiet period: say why this formal "
            "clarification meeting took place."), **params)
    return None


def _over_limit(props: Mapping, people: list[Mapping], policy: Policy) -> list[dict]:
    value = props.get("gift_value")
    if not value or policy.gift_limit is None:
        return []
    out = []
    for p in people:
        gifts = [*(p.get("gifts") or ()), (value, props.get("gift_currency"))]
        total = sum(in_reporting(v, c or DEFAULT_CURRENCY, policy.rates) or 0.0 for v, c in gifts)
        if total > policy.gift_limit:
            out.append({"id": p["id"], "name": p.get("name"), "total": round(total, 2),
                        "limit": policy.gift_limit, "currency": policy.rates["currency"]})
    return out
