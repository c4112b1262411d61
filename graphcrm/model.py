"""The graph model: the fixed vocabulary and the validation of every property.

This module is the contract between storage, analysis and UI.
Labels and relationship types used anywhere in GraphCRM come from the
constants here, never from user input.  Each enumerated value carries its
English and Simplified Chinese label.

Property validation uses pydantic: one model per node label and one per
relationship type.  ``validate_node`` / ``validate_relationship`` return a
plain dict ready to store, or raise :class:`graphcrm.errors.ValidationError`
naming the field and, for enumerations, the allowed values.  Forms, the JSON
API, imports and restore all go through them.

Values both databases store as they are (:func:`storable`), checked before
the model's own rules:

* whole numbers within 64 bits (the database's integers: FalkorDB's client
  would write 10**30 as 9223372036854775807) and finite numbers (no NaN or
  infinity);
* text without lone surrogates, U+FFFE or U+FFFF, which XML (the GraphML and
  GEXF exports) cannot hold; control characters are refused by the text
  types, but for long text (notes), which drops them, and by :func:`storable`
  itself where no type looks at the value (a backup's system properties);
* one value, never a map: a property holds text, a number, true / false.

An interaction happens before it is logged: ``at`` may lie at most a day
ahead (time zones, a clock that is a little fast), so that a mistyped year
cannot pin the recency of a relationship (``last_contact_at``) in the future.

A backup holds what the store keeps beside these properties (``id``,
``version``, ``created_at``, ``updated_at``) and the audit log:
``validate_stored_node`` / ``validate_stored_relationship`` check all of it
and refuse any value the model would store differently.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator
from pydantic import ValidationError as PydanticValidationError

from graphcrm.errors import ValidationError

# --------------------------------------------------------------------------
# Enumerations: value -> (English label, Chinese label)
# --------------------------------------------------------------------------

SEGMENTS = {
    "strategic": ("Strategic", "高价值"),
    "key": ("Key", "重点"),
    "growth": ("Growth", "成长型"),
    "general": ("General", "一般"),
}
TIERS = {
    "transactional": ("Transactional", "交易型"),
    "service": ("Service", "服务型"),
    "cooperative": ("Cooperative", "合作型"),
    "strategic_partner": ("Strategic partner", "战略伙伴型"),
}
LIFECYCLES = {
    "prospect": ("Prospect", "潜在客户"),
    "onboarding": ("Onboarding", "导入期"),
    "active": ("Active", "活跃"),
    "expanding": ("Expanding", "拓展期"),
    "at_risk": ("At risk", "有流失风险"),
    "churned": ("Churned", "已流失"),
}
STANCES = {
    "champion": ("Advocate", "拥护者"),
    "supporter": ("Supporter", "支持者"),
    "neutral": ("Neutral", "中立"),
    "skeptic": ("Skeptic", "怀疑者"),
    "opponent": ("Opponent", "反对者"),
}
USER_ROLES = {
    "admin": ("Administrator", "管理员"),
    "director": ("Sales director", "销售总监"),
    "manager": ("Key-account manager", "大客户经理"),
    "bid": ("Bid team", "投标团队"),
    "viewer": ("Viewer", "只读用户"),
}
#: the languages a user reads the weekly digest in (graphcrm/web/digest.py): those of the web pages
USER_LANGUAGES = {"en": ("English", "英语"), "zh": ("Chinese", "中文")}
STAGES = {
    "lead": ("Lead", "线索"),
    "qualify": ("Qualify", "资格确认"),
    "pre_bid": ("Pre-bid", "投标前"),
    "tender": ("Tender", "招标中"),
    "submitted": ("Submitted", "已投标"),
    "evaluation": ("Evaluation", "评标中"),
    "won": ("Won", "中标"),
    "lost": ("Lost", "未中标"),
}
OPEN_STAGES = ("lead", "qualify", "pre_bid", "tender", "submitted", "evaluation")
BUYING_ROLES = {
    "economic_buyer": ("Economic buyer", "经济决策者"),
    "decision_maker": ("Decision maker", "决策者"),
    "technical_buyer": ("Technical buyer", "技术把关者"),
    "user_buyer": ("User buyer", "使用者"),
    "procurement": ("Procurement", "采购"),
    "influencer": ("Influencer", "影响者"),
    "champion": ("Champion", "内部推动者"),
    "coach": ("Coach / informant", "教练/项目线人"),
    "gatekeeper": ("Gatekeeper", "守门人"),
    "blocker": ("Blocker", "阻碍者"),
}
#: labels an enumerated value had before docs/glossary.md, still read by
#: :func:`value_of` (files and pastes made with them import as before):
#: vocabulary -> value -> its former labels
FORMER_LABELS: dict[int, dict[str, tuple[str, ...]]] = {
    id(BUYING_ROLES): {"champion": ("支持者/拥护者",), "gatekeeper": ("把关人",), "blocker": ("反对者",)},
}
INTERACTION_KINDS = {
    "meeting": ("Meeting", "会议"),
    "call": ("Call", "电话"),
    "email": ("Email", "邮件"),
    "wechat": ("WeChat message", "微信"),
    "visit": ("Visit", "拜访"),
    "event": ("Event", "活动"),
    "feedback": ("Customer feedback", "客户反馈"),
    "clarification": ("Formal clarification meeting", "澄清会"),
}
#: customer feedback (kind "feedback") scores satisfaction 0-10 in the bands of the
#: Net Promoter Score: 0-6 a detractor, 7-8 a passive, 9-10 a promoter
DETRACTOR_MAX = 6
PROMOTER_MIN = 9
#: days from logging a feedback that calls for a follow-up (:func:`opens_follow_up`) to its due date
FOLLOW_UP_DAYS = 7
#: tender compliance (graphcrm/compliance.py): the people a bidder may not approach during a
#: bid's quiet period, and be careful with gifts and hospitality to
COMPLIANCE_ROLES = {
    "evaluation_committee": ("Evaluation-committee member", "评标委员会成员"),
    "procurement_official": ("Procurement official", "采购官员"),
    "public_official": ("Public official", "公职人员"),
}
#: the stages a bid's quiet period spans when it has no dates of its own: from the tender to the award
QUIET_STAGES = ("tender", "submitted", "evaluation")
#: the kinds of interaction allowed with a restricted person during a quiet period, with a reason
QUIET_PERIOD_KINDS = ("clarification",)
CHANNELS = {
    "in_person": ("In person", "面谈"),
    "phone": ("Phone", "电话"),
    "email": ("Email", "邮件"),
    "wechat": ("WeChat", "微信"),
    "video": ("Video call", "视频会议"),
    "event": ("Event", "活动"),
    "other": ("Other", "其他"),
}

# --------------------------------------------------------------------------
# Labels and relationship types
# --------------------------------------------------------------------------

LABELS = {
    "Account": ("Account", "客户"),
    "Person": ("Stakeholder", "干系人"),
    "User": ("Our team member", "我方成员"),
    "Opportunity": ("Opportunity", "商机"),
    "Competitor": ("Competitor", "竞争对手"),
    "Interaction": ("Interaction", "互动"),
}

#: The audit log (graphcrm/audit.py).  Not one of LABELS: no generic node
#: statement (create, update, delete, list...) exists for it, so an entry is
#: only ever created by the write it records and never deleted (the right to
#: erasure alone blanks the erased values in it, see forget.person; a restore
#: that fails part-way deletes the entries it copied from the backup, see
#: restore.undo_audit, but keeps its own).
AUDIT_LABEL = "AuditEntry"
AUDIT_LABELS = {AUDIT_LABEL: ("Audit entry", "审计记录")}
AUDIT_ACTIONS = {
    "create": ("Created", "创建"),
    "update": ("Changed", "修改"),
    "delete": ("Deleted", "删除"),
    "relate": ("Related", "建立关系"),
    "unrelate": ("Relationship removed", "删除关系"),
    "log_interaction": ("Interaction logged", "记录互动"),
    "merge": ("Duplicates merged", "合并重复记录"),
    "layout": ("Map positions saved", "保存图谱位置"),
    "bulk_merge": ("Batch written", "批量写入"),
    "clear": ("Graph cleared", "清空图谱"),
    "export": ("Exported", "导出"),
    "erase": ("Personal data erased", "删除个人数据"),
    "restore": ("Restored from a backup", "从备份恢复"),
    "undo_restore": ("Failed restore undone", "撤销未完成的恢复"),
    "upgrade": ("Log upgraded: lines' ends recorded", "审计日志升级：补记关系的终点"),
    "leave": ("Left the account", "离开客户"),
    "join": ("Joined the account", "加入客户"),
    "compliance_refused": ("Refused in a quiet period", "静默期内拒绝"),
    "compliance_allowed": ("Allowed in a quiet period, with a reason", "静默期内有理由允许"),
    "gift_limit_exceeded": ("Gift limit exceeded", "超出礼品限额"),
}

#: a User's secrets: never written to the audit log (only that they changed),
#: never shown on pages, in JSON or in the analysis graphs
SECRET_PROPERTIES = ("password_hash", "session_token", "api_tokens")

#: an account map's layout as the team saved it (:func:`map_positions`): how
#: the map is drawn, not a fact about the account, so left out of every export
#: (the backup keeps it)
MAP_PROPERTIES = ("map_positions", "map_positions_version")

#: what GraphCRM keeps itself: never read from an import (the column is
#: reported and ignored), never in a CSV export; a backup keeps them all
INTERNAL_PROPERTIES = (*SECRET_PROPERTIES, *MAP_PROPERTIES, "erased_at", "erased_by", "version", "created_at",
                       "updated_at")

#: relationship type -> (allowed start labels, allowed end labels, English, Chinese)
RELATIONSHIP_TYPES = {
    "WORKS_AT": (("Person",), ("Account",), "works at", "就职于"),
    #: a past employment (see WorkedAtProps): what an ended WORKS_AT becomes
    "WORKED_AT": (("Person",), ("Account",), "worked at", "曾就职于"),
    "REPORTS_TO": (("Person",), ("Person",), "reports to", "汇报给"),
    "INFLUENCES": (("Person",), ("Person",), "influences", "影响"),
    "KNOWS": (("Person",), ("Person",), "knows", "认识"),
    "PART_OF": (("Account",), ("Account",), "is part of", "隶属于"),
    "FOR": (("Opportunity",), ("Account",), "is for", "属于"),
    "ROLE_IN": (("Person",), ("Opportunity",), "has a role in", "参与"),
    "RELATIONSHIP": (("User", "Competitor"), ("Person",), "has a relationship with", "有关系"),
    "MEMBER_OF": (("User",), ("Account", "Opportunity"), "is member of", "成员"),
    "COMPETES_FOR": (("Competitor",), ("Opportunity",), "competes for", "竞标"),
    "ATTENDED": (("User",), ("Interaction",), "attended", "参加"),
    "WITH": (("Interaction",), ("Person",), "with", "对象"),
    "ABOUT": (("Interaction",), ("Opportunity",), "about", "关于"),
}

#: the properties that hold personal data (left out by --no-pii, erased by forget)
PII_PROPERTIES = ("email", "phone", "notes")

# --------------------------------------------------------------------------
# Property models
# --------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: what no stored text may hold: lone surrogates (not characters) and U+FFFE /
#: U+FFFF, which XML 1.0 cannot hold (the GraphML and GEXF exports)
_NOT_TEXT = re.compile("[\ud800-\udfff\ufffe\uffff]")
#: the C0 controls XML 1.0 cannot hold (all but tab, newline and carriage return)
_NOT_XML_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: the database's integers: 64-bit, two's complement
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

#: how far ahead of the clock an interaction may be dated
INTERACTION_LEEWAY = timedelta(days=1)


#: either of the above: what text a backup restores may not hold
_NOT_STORED_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text_problem(value: str, *, controls: bool) -> str | None:
    found = (_NOT_STORED_TEXT if controls else _NOT_TEXT).search(value)
    if found is None:
        return None
    char = f"U+{ord(found.group()):04X}"
    if "\ud800" <= found.group() <= "\udfff":
        return f"must not contain a lone surrogate ({char}), which is not a character"
    if found.group() in "\ufffe\uffff":
        return f"must not contain {char}, a character XML (GraphML, GEXF) cannot hold"
    return f"must not contain control characters ({char})"


def storable(field: str, value: Any, *, controls: bool = True) -> Any:
    """``value`` if both databases store it as it is; else ValidationError naming ``field``.

    Whole numbers must fit in 64 bits, numbers be finite, text hold only
    characters XML can hold (``controls=False``: control characters are left
    to the field's type, see the module docstring), and a value is one value
    or a list of them, never a map.  None (no value) passes.
    """
    problem = _value_problem(value, controls)
    if problem:
        raise ValidationError(field, problem)
    return value


def _value_problem(value: Any, controls: bool) -> str | None:
    if isinstance(value, str):  # the most common first: a backup's check asks for every value
        return _text_problem(value, controls=controls)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        if INT64_MIN <= value <= INT64_MAX:
            return None
        return f"must be a whole number between {INT64_MIN} and {INT64_MAX}"
    if isinstance(value, float):
        return None if math.isfinite(value) else f"must be a finite number, not {value}"
    if isinstance(value, (list, tuple)):
        for item in value:
            problem = ("must not be a list of lists" if isinstance(item, (list, tuple))
                       else _value_problem(item, controls))
            if problem:
                return problem
        return None
    kind = "a map" if isinstance(value, dict) else f"a {type(value).__name__}"
    return f"must be text, a number or true / false, not {kind}"


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def _iso_date(value: str) -> str:
    parsed = date.fromisoformat(value)  # raises ValueError with a clear message
    if not 1900 <= parsed.year <= 2200:
        raise ValueError("year must be between 1900 and 2200")
    return parsed.isoformat()


@lru_cache(maxsize=4096)  # a backup repeats the same timestamps (one per bulk batch)
def _moment(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if not 1900 <= parsed.year <= 2200:
        raise ValueError("year must be between 1900 and 2200")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _iso_datetime(value: str) -> str:
    _moment(value)
    return value


def _not_ahead(value: str) -> str:
    """A moment that has happened: at most :data:`INTERACTION_LEEWAY` ahead of
    the clock (a moment without time zone is taken as UTC)."""
    if _moment(value) > datetime.now(timezone.utc) + INTERACTION_LEEWAY:
        raise ValueError("is more than a day in the future: log an interaction once it has happened")
    return value


#: the longest name, title or other one-line text
TEXT_MAX = 200
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=TEXT_MAX), AfterValidator(_no_control)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_MAX),
                 AfterValidator(_no_control)]
LongText = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(lambda v: _CONTROL.sub("", v))]
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,80}$")]
IsoDate = Annotated[str, AfterValidator(_iso_date)]
IsoDateTime = Annotated[str, AfterValidator(_iso_datetime)]
#: when something happened (an interaction): not later than a day from now
Happened = Annotated[str, AfterValidator(_iso_datetime), AfterValidator(_not_ahead)]
Strength = Annotated[int, Field(ge=1, le=5)]
Money = Annotated[float, Field(ge=0, le=1e15)]
#: text kept as given (a password hash, a session token): no control characters
Opaque = Annotated[str, StringConstraints(max_length=500), AfterValidator(_no_control)]
#: an e-mail address (a person's, or where a user's weekly digest goes)
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$"), AfterValidator(_no_control)]


#: the most nodes an account map's saved layout holds (the page draws a map of
#: 1,000 nodes; the rest is room), and how far from the origin a node may be
#: placed, in the map's own units (CSS pixels at zoom 1)
MAP_POSITIONS_MAX = 5000
MAP_COORDINATE_MAX = 1_000_000


def map_positions(value: Any) -> dict[str, list[float]]:
    """Positions of the nodes of an account's map, checked: ``{node id: [x, y]}``.

    At most :data:`MAP_POSITIONS_MAX` nodes; ids as the store makes them
    (1–80 letters, digits or ``_ . : -``); x and y finite numbers (not true /
    false, not text) within :data:`MAP_COORDINATE_MAX` of 0, kept to a tenth.
    Raises ValidationError (field ``map_positions``).

    >>> map_positions({"p-1": [12.345, -7]})
    {'p-1': [12.3, -7.0]}
    """
    if not isinstance(value, dict):
        raise ValidationError("map_positions", "must be a map of node ids to [x, y]")
    if len(value) > MAP_POSITIONS_MAX:
        raise ValidationError("map_positions", f"at most {MAP_POSITIONS_MAX} positions, not {len(value)}")
    positions = {}
    for node_id, place in value.items():
        if not _is_node_id(node_id):
            raise ValidationError("map_positions", f"{str(node_id)[:80]!r} is not a node id")
        if not (isinstance(place, (list, tuple)) and len(place) == 2 and all(_is_coordinate(c) for c in place)):
            raise ValidationError("map_positions", f"the position of {node_id} must be [x, y], two numbers "
                                                   f"between -{MAP_COORDINATE_MAX} and {MAP_COORDINATE_MAX}")
        positions[node_id] = [round(float(c), 1) for c in place]
    return positions


def _is_coordinate(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and abs(value) <= MAP_COORDINATE_MAX)


def map_positions_text(positions: dict) -> str:
    """Checked positions (:func:`map_positions`) as the JSON text an account stores."""
    return json.dumps(map_positions(positions), sort_keys=True, separators=(",", ":"))


def _stored_map_positions(text: str) -> str:
    try:
        value = json.loads(text)
    except ValueError:
        raise ValueError("must be the JSON text of {node id: [x, y]}") from None
    try:
        return map_positions_text(value)
    except ValidationError as e:
        raise ValueError(e.message) from None


def _literal(vocabulary: dict) -> Any:
    return Literal[tuple(vocabulary)]


class _Props(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class AccountProps(_Props):
    name: Name
    industry: Text | None = None
    region: Text | None = None
    segment: _literal(SEGMENTS) = "general"
    tier: _literal(TIERS) = "transactional"
    lifecycle: _literal(LIFECYCLES) = "prospect"
    annual_value: Money | None = None
    potential_value: Money | None = None
    source_id: Text | None = None
    #: where the team placed the nodes of the account's map (:func:`map_positions`, as
    #: JSON text), and that layout's own version: saving it leaves the account's alone
    map_positions: Annotated[str, AfterValidator(_stored_map_positions)] | None = None
    map_positions_version: Annotated[int, Field(ge=0)] | None = None


class PersonProps(_Props):
    name: Name
    title: Text | None = None
    department: Text | None = None
    seniority: Annotated[int, Field(ge=1, le=5)] | None = None
    email: Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$"),
                     AfterValidator(_no_control)] | None = None
    phone: Annotated[str, StringConstraints(max_length=40, pattern=r"^[0-9+()\- .]*$")] | None = None
    influence: Annotated[int, Field(ge=1, le=5)] = 3
    stance: _literal(STANCES) = "neutral"
    #: a person a bidder may not approach during a quiet period (:data:`COMPLIANCE_ROLES`)
    compliance_role: _literal(COMPLIANCE_ROLES) | None = None
    notes: LongText | None = None
    source_id: Text | None = None
    #: set by the right to erasure (graphcrm forget): when and by whom
    erased_at: IsoDateTime | None = None
    erased_by: Text | None = None


class UserProps(_Props):
    username: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.@-]{2,64}$")]
    display_name: Name
    role: _literal(USER_ROLES) = "viewer"
    password_hash: Opaque | None = None
    #: the token every login session of the user carries; a new one ends them all
    session_token: Annotated[str, StringConstraints(max_length=100), AfterValidator(_no_control)] | None = None
    #: the user's personal API tokens (graphcrm/tokens.py, as JSON text): names, scopes, SHA-256 hashes
    api_tokens: Annotated[str, StringConstraints(max_length=100_000), AfterValidator(_no_control)] | None = None
    active: bool = True
    title: Text | None = None
    #: where the weekly digest goes (none: no digest) and the language it is written in
    email: Email | None = None
    language: _literal(USER_LANGUAGES) = "en"
    source_id: Text | None = None


class OpportunityProps(_Props):
    name: Name
    value: Money | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "CNY"
    stage: _literal(STAGES) = "lead"
    close_date: IsoDate | None = None
    decision_criteria: LongText | None = None
    #: the quiet period's own dates (graphcrm/compliance.py); without them it spans :data:`QUIET_STAGES`
    quiet_start: IsoDate | None = None
    quiet_end: IsoDate | None = None
    source_id: Text | None = None

    @field_validator("quiet_end")
    @classmethod
    def _quiet_period_ends_after_it_starts(cls, end: str | None, info: ValidationInfo) -> str | None:
        start = info.data.get("quiet_start")
        if start and end and end < start:
            raise ValueError(f"the quiet period must not end before it starts ({start})")
        return end


class CompetitorProps(_Props):
    name: Name


class InteractionProps(_Props):
    kind: _literal(INTERACTION_KINDS)
    channel: _literal(CHANNELS) = "in_person"
    at: Happened
    summary: LongText = ""
    sentiment: Annotated[int, Field(ge=-2, le=2)] = 0
    satisfaction: Annotated[int, Field(ge=0, le=10)] | None = None
    #: the follow-up a feedback calls for (:func:`opens_follow_up`): the user who answers
    #: it, by when, and the interaction that answered it (None: still open)
    follow_up_owner: Id | None = None
    follow_up_due: IsoDate | None = None
    follow_up_closed_by: Id | None = None
    #: the id an integration gave the interaction in its own system, and which system
    #: (``username/source``): one interaction per pair, so that a retried call logs it once
    external_id: Text | None = None
    external_source: Text | None = None
    #: the two as one value (:func:`external_key`, set by the store): unique, so that two copies
    #: sent at the same moment cannot both be logged (a constraint of the schema)
    external_key: Text | None = None
    #: why an interaction of a :data:`QUIET_PERIOD_KINDS` kind with a restricted person took place in a
    #: quiet period; the store sets the flags (graphcrm/compliance.py), whatever a caller sends
    compliance_reason: Text | None = None
    quiet_period_flag: bool | None = None
    gift_limit_flag: bool | None = None
    #: a gift or hospitality given at the interaction: what, and its value in ``gift_currency``
    gift_description: Text | None = None
    gift_value: Money | None = None
    gift_currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None


class NoProps(_Props):
    pass


class WorksAtProps(_Props):
    since: IsoDate | None = None


class WorkedAtProps(_Props):
    """A past employment: a WORKS_AT that ended (GraphStore.move_person).

    Kept as a type of its own rather than an end date on WORKS_AT, so that
    every query of an account's current people (``(p)-[:WORKS_AT]->(a)``:
    the maps, the analysis, access) stays right without a filter.  At most
    one per person and account: from the first start to the last end.
    ``title``: the person's title there; ``until`` None: ended, date unknown
    (an import's inactive contact).
    """

    since: IsoDate | None = None
    until: IsoDate | None = None
    title: Text | None = None

    @field_validator("until")
    @classmethod
    def _ends_after_start(cls, until: str | None, info: ValidationInfo) -> str | None:
        since = info.data.get("since")
        if since and until and until < since:
            raise ValueError(f"must not be before the start ({since})")
        return until


class StrengthProps(_Props):
    strength: Strength = 3


class RoleInProps(_Props):
    role: _literal(BUYING_ROLES)
    influence: Annotated[int, Field(ge=1, le=5)] | None = None
    stance: _literal(STANCES) | None = None


class RelationshipProps(_Props):
    strength: Strength = 3
    since: IsoDate | None = None
    last_contact_at: IsoDateTime | None = None


class MemberOfProps(_Props):
    team_role: Text | None = None


NODE_MODELS: dict[str, type[_Props]] = {
    "Account": AccountProps,
    "Person": PersonProps,
    "User": UserProps,
    "Opportunity": OpportunityProps,
    "Competitor": CompetitorProps,
    "Interaction": InteractionProps,
}
RELATIONSHIP_MODELS: dict[str, type[_Props]] = {
    "WORKS_AT": WorksAtProps,
    "WORKED_AT": WorkedAtProps,
    "REPORTS_TO": NoProps,
    "INFLUENCES": StrengthProps,
    "KNOWS": StrengthProps,
    "PART_OF": NoProps,
    "FOR": NoProps,
    "ROLE_IN": RoleInProps,
    "RELATIONSHIP": RelationshipProps,
    "MEMBER_OF": MemberOfProps,
    "COMPETES_FOR": NoProps,
    "ATTENDED": NoProps,
    "WITH": NoProps,
    "ABOUT": NoProps,
}

#: properties every node carries, kept by the store, never set by callers
SYSTEM_PROPERTIES = ("id", "version", "created_at", "updated_at")


def allowed_values(label_or_type: str, field: str) -> tuple[str, ...]:
    """The enumerated values a field accepts (empty when it is free text)."""
    model = NODE_MODELS.get(label_or_type) or RELATIONSHIP_MODELS[label_or_type]
    annotation = model.model_fields[field].annotation
    for arg in (annotation, *get_args(annotation)):
        values = get_args(arg)
        if values and all(isinstance(v, str) for v in values):
            return values
    return ()


def _translate(error: PydanticValidationError, where: str) -> ValidationError:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or where
    message = first["msg"]
    if first["type"] == "literal_error":
        message = "unknown value; allowed: " + ", ".join(
            repr(v) for v in allowed_values(where, str(first["loc"][0]))
        )
    elif first["type"] == "extra_forbidden":
        message = "is not a property of " + where
    problems = {".".join(str(p) for p in e["loc"]) or where: e["msg"] for e in error.errors()}
    problems[field] = message
    return ValidationError(field, message, problems=problems)


def validate_node(label: str, props: dict, *, partial: bool = False) -> dict:
    """Check the properties of a node of ``label``; return the clean dict.

    With ``partial=True`` only the given fields are checked (for updates) and
    defaults are not filled in.
    """
    model = NODE_MODELS.get(label)
    if model is None:
        raise ValidationError("label", f"unknown label {label!r}; allowed: {', '.join(NODE_MODELS)}")
    props = {k: v for k, v in props.items() if k not in SYSTEM_PROPERTIES}
    _check_storable(props)
    try:
        if partial:
            unknown = set(props) - set(model.model_fields)
            if unknown:
                field = sorted(unknown)[0]
                raise ValidationError(field, "is not a property of " + label)
            clean = model.model_validate({**_placeholder(model), **props})
            return {k: v for k, v in clean.model_dump().items() if k in props}
        return model.model_validate(props).model_dump()
    except PydanticValidationError as exc:
        raise _translate(exc, label) from None


def validate_relationship(rel_type: str, props: dict | None) -> dict:
    """Check the properties of a relationship of ``rel_type``; return the clean dict."""
    model = RELATIONSHIP_MODELS.get(rel_type)
    if model is None:
        raise ValidationError(
            "type", f"unknown relationship type {rel_type!r}; allowed: {', '.join(RELATIONSHIP_MODELS)}"
        )
    props = {k: v for k, v in (props or {}).items() if k != "version"}
    _check_storable(props)
    try:
        return model.model_validate(props).model_dump()
    except PydanticValidationError as exc:
        raise _translate(exc, rel_type) from None


def _check_storable(props: dict) -> None:
    """Check that both databases store every value as it is (:func:`storable`); control
    characters are left to the field types (long text drops them)."""
    for key, value in props.items():
        storable(str(key), value, controls=False)


# --------------------------------------------------------------------------
# What a backup holds: properties as stored, system properties, audit entries
# --------------------------------------------------------------------------


class AuditEntryProps(_Props):
    """An entry of the audit log as stored (graphcrm/audit.py writes them)."""

    id: Id
    at: IsoDateTime
    actor: str
    via: str
    action: str
    target_label: str
    target_id: str
    #: a relationship's end (``target_id`` is ``start->end``), indexed: a person's history finds it
    target_end: str | None = None
    #: the values before and after, as JSON text
    before: str | None = None
    after: str | None = None


def validate_stored_node(label: str, props: dict) -> dict:
    """Check the properties of a node of ``label`` (or an audit entry) as a backup
    holds them, system properties included; return them as they are to be
    written.

    Every value passes :func:`storable` (control characters included), the
    system properties their own rules (``id``: 1–80 letters, digits or
    ``_ . : -``; ``version``: a whole number from 0; timestamps: ISO 8601), and
    the rest :func:`validate_node` *unchanged*: a value it would store
    differently (text with spaces around it, ``"3"`` for a number, notes with
    control characters it would drop) is refused, since a restore writes
    what was stored.
    """
    _check_stored_values(props)
    if label == AUDIT_LABEL:
        try:
            return AuditEntryProps.model_validate(props).model_dump(exclude_none=True)
        except PydanticValidationError as exc:
            raise _translate(exc, label) from None
    system = _stored_system(props, node=True)
    return {**system, **_unchanged(props, validate_node(label, props))}


def validate_stored_relationship(rel_type: str, props: dict, *, memo: dict | None = None) -> dict:
    """Check the properties of a relationship of ``rel_type`` as a backup holds
    them (see :func:`validate_stored_node`); return them as they are to be
    written.  ``memo``: a dict kept across calls, so that the same properties
    (most relationships have one of a few) are validated once."""
    system = _stored_system(props, node=False)
    rest = {k: v for k, v in props.items() if k not in system}
    try:
        key = (rel_type, frozenset((k, type(v), v) for k, v in rest.items()))
        clean = memo.get(key) if memo is not None else None
    except TypeError:  # an unhashable value: validate it as it is
        key, clean = None, None
    if clean is None:
        _check_stored_values(rest)
        clean = _unchanged(rest, validate_relationship(rel_type, rest))
        if memo is not None and key is not None:
            memo[key] = clean
    return {**system, **clean}


def _check_stored_values(props: dict) -> None:
    for key, value in props.items():
        if not isinstance(key, str):
            raise ValidationError(str(key), "a property name must be text")
        storable(key, value)


def _stored_system(props: dict, *, node: bool) -> dict:
    """The system properties of a stored node (``id``, ``version``, timestamps)
    or relationship (no ``id``: an ``id`` is one of its properties), checked."""
    keys = SYSTEM_PROPERTIES if node else ("version", "created_at", "updated_at")
    system = {k: props[k] for k in keys if k in props}
    if node and not _is_node_id(system.get("id")):
        raise ValidationError("id", "must be 1–80 letters, digits or _ . : -")
    version = system.get("version")
    if version is not None and not (type(version) is int and 0 <= version <= INT64_MAX):
        storable("version", version)
        raise ValidationError("version", "must be a whole number from 0")
    for key in ("created_at", "updated_at"):
        if key in system and not _is_moment(system[key]):
            storable(key, system[key])
            raise ValidationError(key, "must be an ISO 8601 date and time between the years 1900 and 2200")
    return system


def _is_moment(value: Any) -> bool:
    try:
        return isinstance(value, str) and _moment(value) is not None
    except ValueError:
        return False


def _is_node_id(value: Any) -> bool:
    """The rule of the store's ids (graph/store.py ``_clean_id``)."""
    return isinstance(value, str) and 0 < len(value) <= 80 and all(c.isalnum() or c in "_.:-" for c in value)


def _unchanged(raw: dict, clean: dict) -> dict:
    """The values of ``raw`` (but None and the system properties) after the
    model's checks, refusing any the model would store differently."""
    kept = {}
    for key, value in raw.items():
        if key in SYSTEM_PROPERTIES or value is None:
            continue
        stored = clean.get(key)
        if stored != value or isinstance(stored, bool) != isinstance(value, bool) \
                or isinstance(stored, str) != isinstance(value, str):
            raise ValidationError(key, f"{value!r} is not as GraphCRM stores it (it would store {stored!r})")
        kept[key] = stored
    return kept


def _placeholder(model: type[_Props]) -> dict:
    """Values for required fields, so that a partial update validates the rest."""
    filler = {}
    for name, field in model.model_fields.items():
        if field.is_required():
            allowed = [v for v in get_args(field.annotation) if isinstance(v, str)]
            filler[name] = allowed[0] if allowed else {
                "at": "2000-01-01T00:00:00+00:00", "username": "placeholder"
            }.get(name, "placeholder")
    return filler


def feedback_problem(props: dict) -> tuple[str, str] | None:
    """What is wrong with an interaction's validated properties taken together
    (field, message), or None: a satisfaction score belongs to customer
    feedback only, and so does a follow-up."""
    if props.get("kind") == "feedback":
        return None
    if props.get("satisfaction") is not None:
        return "satisfaction", "only customer feedback carries a satisfaction score"
    if props.get("follow_up_owner") or props.get("follow_up_due") or props.get("follow_up_closed_by"):
        return "follow_up_owner", "only customer feedback has a follow-up"
    return None


def external_key(external_source: str, external_id: str) -> str:
    """The one value an interaction's ``external_source`` and ``external_id`` make
    (a JSON pair: no two pairs give the same key, and it holds no control character).

    >>> external_key("lina/outlook", "AAMkAGI2TG93AAA=")
    '["lina/outlook", "AAMkAGI2TG93AAA="]'
    """
    return json.dumps([external_source, external_id], ensure_ascii=False)


def opens_follow_up(props: dict) -> bool:
    """Whether a feedback calls for a follow-up: a detractor's score (0 to
    :data:`DETRACTOR_MAX`) or a negative sentiment.

    >>> opens_follow_up({"kind": "feedback", "satisfaction": 6}), opens_follow_up({"kind": "feedback", "sentiment": -1})
    (True, True)
    >>> opens_follow_up({"kind": "feedback", "satisfaction": 7}), opens_follow_up({"kind": "call", "sentiment": -2})
    (False, False)
    """
    if props.get("kind") != "feedback":
        return False
    score = props.get("satisfaction")
    return (score is not None and score <= DETRACTOR_MAX) or (props.get("sentiment") or 0) < 0


def value_of(vocabulary: dict, text: str) -> str:
    """The value of an enumeration from its value, English or Chinese label, in
    any case (``"Advocate"``, ``"拥护者"`` -> ``"champion"``), or a label it had
    before (:data:`FORMER_LABELS`: the role ``"反对者"`` -> ``"blocker"``);
    ``text`` as it is when none matches (validation then names the allowed values)."""
    lowered = text.lower()
    former = FORMER_LABELS.get(id(vocabulary), {})
    for value, labels in vocabulary.items():
        if lowered == value or lowered in (label.lower() for label in (*labels[:2], *former.get(value, ()))):
            return value
    return text


def label_text(vocabulary: dict, value: str | None, lang: str = "en") -> str:
    """The display label of an enumerated value in ``lang`` ('en' or 'zh')."""
    if value is None or value not in vocabulary:
        return value or ""
    english, chinese = vocabulary[value][:2] if vocabulary is not RELATIONSHIP_TYPES else vocabulary[value][2:4]
    return chinese if lang.startswith("zh") else english
