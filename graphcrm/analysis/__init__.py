"""The analysis engine: pure functions from the stakeholder graph to answers.

Every function takes the ``networkx.MultiDiGraph`` documented in
:mod:`graphcrm.graph.nxgraph` (never modified) and returns plain,
JSON-serialisable data.  Time-dependent results take ``now=`` (default: the
graph's ``loaded_at``); sampled ones take ``seed=``.

==================== =========================================================
function             answers
==================== =========================================================
influence_ranking    who really moves a decision (personalised PageRank)
brokers              who bridges departments or factions (betweenness)
factions             which coalitions exist and where they stand (Louvain)
coverage_gaps        what is missing in an opportunity's coverage (findings)
warm_paths           how to get introduced to a stakeholder
bid_readiness        how ready we are to win a bid, 0-100, and why
what_if              what changes if a person leaves
stance_outlook       who is likely to swing, and which way
portfolio_coverage   the director's table of accounts and open bids
attention_reasons    why an account needs the director's attention now
account_satisfaction how satisfied an account is: latest score, trend, weighted NPS
stakeholder_satisfaction  the same for one stakeholder
follow_ups           the open follow-ups of customer feedback, most overdue first
convert              amounts in several currencies as one, by a rate table
maintenance_plan     whom to contact this week, per owner
manager_scorecard    each account manager's relationship work over a period
account_coverage     one account's bids and the gaps in them (the account page)
account_report, opportunity_report, portfolio_report, format_report
                     everything above, assembled for the UI, API and CLI
==================== =========================================================

Sentences (findings, readiness evidence and actions, assumptions...) come in
English with, under ``texts``, the same as message codes and parameters that a
user interface can translate (:mod:`graphcrm.analysis.messages`).
"""

from graphcrm.analysis._common import DEFAULT_CADENCE, Finding, cadence_days
from graphcrm.analysis.attention import ATTENTION_KINDS, attention_reasons
from graphcrm.analysis.brokers import brokers
from graphcrm.analysis.coverage import FINDING_KINDS, coverage_gaps
from graphcrm.analysis.factions import factions
from graphcrm.analysis.influence import influence_ranking
from graphcrm.analysis.maintenance import maintenance_plan
from graphcrm.analysis.money import DEFAULT_RATES, convert
from graphcrm.analysis.outlook import stance_outlook
from graphcrm.analysis.paths import warm_paths
from graphcrm.analysis.portfolio import lifetime_value, portfolio_coverage, suggest_segment, suggest_tier
from graphcrm.analysis.readiness import bid_readiness
from graphcrm.analysis.reports import (
    account_coverage,
    account_report,
    format_report,
    opportunity_report,
    portfolio_report,
)
from graphcrm.analysis.satisfaction import account_satisfaction, follow_ups, stakeholder_satisfaction
from graphcrm.analysis.scorecard import manager_scorecard
from graphcrm.analysis.whatif import key_people, what_if

__all__ = [
    "ATTENTION_KINDS",
    "attention_reasons",
    "DEFAULT_RATES",
    "convert",
    "DEFAULT_CADENCE",
    "FINDING_KINDS",
    "Finding",
    "account_coverage",
    "account_report",
    "account_satisfaction",
    "bid_readiness",
    "brokers",
    "cadence_days",
    "coverage_gaps",
    "factions",
    "follow_ups",
    "format_report",
    "influence_ranking",
    "key_people",
    "lifetime_value",
    "maintenance_plan",
    "manager_scorecard",
    "opportunity_report",
    "portfolio_coverage",
    "portfolio_report",
    "stance_outlook",
    "stakeholder_satisfaction",
    "suggest_segment",
    "suggest_tier",
    "warm_paths",
    "what_if",
]
