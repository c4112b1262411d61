"""Import of a Salesforce export (Data Export or Data Loader: one CSV per object).

Files read from the folder (names and column headers in any case; a missing
file is skipped, extra columns are ignored):

=============================  ===============================================================
``User.csv``                   ``User`` (Username, or Email, becomes the username; Name or
                               FirstName + LastName the display name; Title; IsActive).
                               A user whose username is already taken is that user.
``Account.csv``                ``Account`` (Name, Industry, BillingState or BillingCountry as
                               region, AnnualRevenue as annual value, Type as lifecycle);
                               ParentId → ``PART_OF``; OwnerId → ``MEMBER_OF`` (team role
                               "Account owner", when User.csv is there)
``Contact.csv``                ``Person`` (Name or FirstName + LastName — Chinese names family
                               name first without a space —, Title, Department, Email, Phone or
                               MobilePhone, Description as notes); AccountId → ``WORKS_AT``
                               (a contact without a known account is left out), or
                               ``WORKED_AT`` for an inactive contact (IsActive false) or an
                               ended direct relation (below); ReportsToId → ``REPORTS_TO``
``Opportunity.csv``            ``Opportunity`` (Name, Amount, CurrencyIsoCode, CloseDate,
                               StageName through the stage mapping); AccountId → ``FOR``
``OpportunityContactRole.csv`` ``ROLE_IN`` with Role through the role mapping (empty: Other)
``AccountTeamMember.csv``      ``MEMBER_OF`` with TeamMemberRole as team role
``AccountContactRelation.csv`` indirect relations (IsDirect false) → ``WORKS_AT``; direct ones
                               repeat Contact.AccountId.  An ended relation (IsActive false, or an
                               EndDate not after today) → ``WORKED_AT`` (StartDate as since,
                               EndDate as until, the contact's Title for a direct one)
=============================  ===============================================================

A person who left an account is not deleted (docs/reference: the graph
model): their ``WORKS_AT`` there becomes ``WORKED_AT``, and an import that
says so removes the ``WORKS_AT`` an older import stored (the contact's
employments are complete in an export with Contact.csv).

Salesforce is the system of record for its single-valued fields: when a
newer export changes or empties a contact's ReportsToId, an account's
ParentId or an opportunity's AccountId, the ``REPORTS_TO``, ``PART_OF`` or
``FOR`` relationship the field no longer names is removed (the report
counts them as ``delete``).  Rows with IsDeleted true are left out.  Ids are normalised to the
18-character form (:func:`normalise_id`); node ids are ``sf-`` + that id,
so a newer export updates the same nodes.  The stage, role and account-type
mappings can be changed with a JSON file (:meth:`Mapping.from_file`).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from graphcrm.errors import ValidationError
from graphcrm.model import BUYING_ROLES, LIFECYCLES, STAGES
from graphcrm.transfer.csvio import CsvProblem, read_rows
from graphcrm.transfer.plan import ImportPlan, Where

#: Salesforce's standard Opportunity stages → ours
DEFAULT_STAGES = {
    "prospecting": "lead",
    "qualification": "qualify",
    "needs analysis": "qualify",
    "value proposition": "pre_bid",
    "id. decision makers": "pre_bid",
    "perception analysis": "pre_bid",
    "proposal/price quote": "tender",
    "negotiation/review": "evaluation",
    "closed won": "won",
    "closed lost": "lost",
}
#: the standard OpportunityContactRole Role picklist → our buying roles
DEFAULT_ROLES = {
    "business user": "user_buyer",
    "decision maker": "decision_maker",
    "economic buyer": "economic_buyer",
    "economic decision maker": "economic_buyer",
    "evaluator": "technical_buyer",
    "executive sponsor": "champion",
    "influencer": "influencer",
    "technical buyer": "technical_buyer",
    "other": "influencer",
}
#: the standard Account Type picklist → our lifecycle (types not listed leave it as it is)
DEFAULT_ACCOUNT_TYPES = {
    "prospect": "prospect",
    "customer - direct": "active",
    "customer - channel": "active",
    "customer": "active",
    "former customer": "churned",
}

_CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-5]{3})?$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@functools.lru_cache(maxsize=1 << 20)  # an export names the same ids again and again
def normalise_id(value: str | None) -> str | None:
    """A Salesforce id in its 18-character form, or None for an empty reference.

    The 15-character form is case-sensitive; the 18-character form adds three
    checksum characters that encode the case of the first 15, so it survives
    tools that change case (Excel, case-insensitive databases).  Both forms
    of an id normalise to the same 18 characters: an 18-character id has its
    case restored from the checksum.  ``000000000000000AAA`` (Salesforce's
    empty id) is None.  Anything else raises ValueError.

    >>> normalise_id("a0D30000001n7Pi")
    'a0D30000001n7PiEAI'
    >>> normalise_id("A0D30000001N7PIEAI")
    'a0D30000001n7PiEAI'
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not _ID.match(value):
        raise ValueError(f"{value!r} is not a Salesforce id (15 or 18 letters and digits)")
    if len(value) == 18:
        value = _restore_case(value[:15], value[15:].upper())
    if value.strip("0") == "":
        return None
    return value + _checksum(value)


def _checksum(id15: str) -> str:
    return "".join(
        _CHECKSUM[sum(1 << i for i, c in enumerate(id15[start : start + 5]) if "A" <= c <= "Z")]
        for start in (0, 5, 10)
    )


def _restore_case(id15: str, suffix: str) -> str:
    chars = []
    for chunk, code in zip((id15[0:5], id15[5:10], id15[10:15]), suffix, strict=True):
        bits = _CHECKSUM.index(code)
        chars += [c.upper() if bits >> i & 1 else c.lower() for i, c in enumerate(chunk)]
    return "".join(chars)


def node_id(sfid: str) -> str:
    """The GraphCRM id of the node made from a (normalised) Salesforce id."""
    return f"sf-{sfid}"


def person_name(first: str | None, last: str | None) -> str | None:
    """``FirstName LastName``; Chinese names family name first, no space (王 + 强 → 王强)."""
    if first and last and _CJK.search(first + last):
        return last + first
    return " ".join(part for part in (first, last) if part) or None


@dataclass
class Mapping:
    """How Salesforce picklist values become ours (keys in any case)."""

    stages: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_STAGES))
    roles: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ROLES))
    account_types: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ACCOUNT_TYPES))

    @classmethod
    def from_file(cls, path: Path) -> "Mapping":
        """The defaults with the entries of a JSON file added or replaced:
        ``{"stages": {"Closed Won": "won"}, "roles": {...}, "account_types": {...}}``."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValidationError("mapping", f"{path}: cannot read it as JSON ({exc})") from None
        mapping = cls()
        allowed = {"stages": STAGES, "roles": BUYING_ROLES, "account_types": LIFECYCLES}
        if not isinstance(data, dict) or set(data) - set(allowed):
            raise ValidationError("mapping", f"{path}: expected an object with keys {', '.join(allowed)}")
        for name, entries in data.items():
            if not isinstance(entries, dict):
                raise ValidationError(f"mapping.{name}", "must be an object of Salesforce value → our value")
            for theirs, ours in entries.items():
                if ours not in allowed[name]:
                    raise ValidationError(f"mapping.{name}", f"{ours!r} is not one of {', '.join(allowed[name])}")
                getattr(mapping, name)[str(theirs).strip().lower()] = ours
        return mapping


class _Reader:
    """Reads the object files of one export into an ImportPlan."""

    def __init__(self, directory: Path, mapping: Mapping, encoding: str | None = None):
        self.plan = ImportPlan(f"Salesforce export {directory}")
        self.mapping = mapping
        self.encoding = encoding  # of the files not in UTF-8 (None: detected)
        self.files = {p.name.lower(): p for p in Path(directory).iterdir() if p.is_file()}

    def rows(self, sobject: str, required: tuple[str, ...]):
        """``(where, row)`` of one object's file; nothing when it is missing."""
        path = self.files.get(sobject.lower() + ".csv")
        if path is None:
            return
        try:
            csv_file = read_rows(path, encoding=self.encoding, lf_newlines=True)
            if csv_file.note:
                self.plan.warn(Where(path.name), csv_file.note)
            header, rows = csv_file.header, csv_file.rows
            missing = [c for c in required if c not in header]
            if missing:
                self.plan.error(Where(path.name, 1), f"column {', '.join(missing)} missing")
                return
            self.header = header
            for line, row in rows:
                where = Where(path.name, line)
                if _true(row.get("isdeleted")):
                    self.plan.warn(where, "deleted in Salesforce (IsDeleted); left out")
                    continue
                yield where, row
        except CsvProblem as exc:
            self.plan.error(Where(path.name, exc.line), exc.message)

    def has(self, sobject: str) -> bool:
        return sobject.lower() + ".csv" in self.files

    def ref(self, where: Where, row: dict, column: str) -> tuple[str | None, str]:
        """The node id a reference column points to, and how the report names it."""
        raw = row.get(column.lower())
        try:
            sfid = normalise_id(raw)
        except ValueError as exc:
            self.plan.error(where, f"{column}: {exc}")
            return None, ""
        return (node_id(sfid) if sfid else None), f"{column} {raw}"

    def number(self, where: Where, row: dict, column: str) -> float | None:
        raw = row.get(column.lower())
        if raw is None:
            return None
        try:
            return float(raw)
        except ValueError:
            self.plan.error(where, f"{column}: {raw!r} is not a number")
            return None

    def columns(self, row: dict, mapping: dict[str, str | tuple[str, ...]]) -> dict:
        """Our properties from the columns the file has (first non-empty of a tuple)."""
        props = {}
        for prop, columns in mapping.items():
            columns = (columns,) if isinstance(columns, str) else columns
            if any(c.lower() in self.header for c in columns):
                props[prop] = next((row[c.lower()] for c in columns if row.get(c.lower())), None)
        return props

    def picklist(self, where: Where, row: dict, column: str, table: dict, what: str) -> str | None:
        raw = row.get(column.lower())
        if raw is None:
            return None
        value = table.get(raw.lower())
        if value is None:
            self.plan.warn(where, f"{column} {raw!r} has no {what} mapping; left as it is")
        return value

    # -- objects -------------------------------------------------------------------------

    def users(self) -> None:
        for where, row in self.rows("User", ("id",)):
            uid, _ = self.ref(where, row, "Id")
            if uid is None:
                continue
            props = self.columns(row, {"username": ("Username", "Email"), "title": "Title"})
            props["display_name"] = row.get("name") or person_name(row.get("firstname"), row.get("lastname"))
            if "isactive" in self.header:
                props["active"] = _true(row.get("isactive"))
            props["source_id"] = uid[3:]
            self.plan.add_node("User", uid, props, where)

    def accounts(self) -> None:
        with_owners = self.has("User")
        for where, row in self.rows("Account", ("id", "name")):
            aid, aref = self.ref(where, row, "Id")
            if aid is None:
                continue
            props = self.columns(row, {"name": "Name", "industry": "Industry",
                                       "region": ("BillingState", "BillingCountry")})
            if "annualrevenue" in self.header:
                props["annual_value"] = self.number(where, row, "AnnualRevenue")
            lifecycle = self.picklist(where, row, "Type", self.mapping.account_types, "lifecycle")
            if lifecycle:
                props["lifecycle"] = lifecycle
            props["source_id"] = aid[3:]
            self.plan.add_node("Account", aid, props, where)
            parent, pref = self.ref(where, row, "ParentId")
            if "parentid" in self.header:
                self.plan.complete("PART_OF", aid)
            if parent:
                self.plan.add_relationship("PART_OF", aid, parent, {}, where, (aref, pref))
            owner, oref = self.ref(where, row, "OwnerId")
            if owner and with_owners:
                self.plan.add_relationship("MEMBER_OF", owner, aid, {"team_role": "Account owner"}, where,
                                           (oref, aref))

    def account_rows(self, sobject: str, required: tuple[str, ...]):
        """``(where, row, (id, ref), (account, account ref))`` of the rows of an
        object that belongs to an account; rows without an AccountId are left out."""
        for where, row in self.rows(sobject, required):
            node, ref = self.ref(where, row, "Id")
            account, account_ref = self.ref(where, row, "AccountId")
            if node is None:
                continue
            if account is None:
                self.plan.warn(where, f"{ref} has no AccountId; left out")
                continue
            yield where, row, (node, ref), (account, account_ref)

    def contacts(self) -> None:
        ended = {(person, account): job for _where, direct, (person, _p), (account, _a), job in self.relations
                 if direct and job is not None}
        for where, row, (pid, pref), (account, account_ref) in self.account_rows("Contact", ("id",)):
            props = self.columns(row, {"title": "Title", "department": "Department", "email": "Email",
                                       "phone": ("Phone", "MobilePhone"), "notes": "Description"})
            props["name"] = row.get("name") or person_name(row.get("firstname"), row.get("lastname"))
            props["source_id"] = pid[3:]
            self.plan.add_node("Person", pid, props, where,
                               requires=(("Account",), account, f"{account_ref} not found; contact left out"))
            job = ended.get((pid, account))
            if job is not None or ("isactive" in self.header and not _true(row.get("isactive"))):
                self.plan.add_relationship("WORKED_AT", pid, account, {**(job or {}), "title": props.get("title")},
                                           where, (pref, account_ref))
                self.plan.complete("WORKS_AT", pid)
            else:
                self.plan.add_relationship("WORKS_AT", pid, account, {}, where, (pref, account_ref))
            boss, boss_ref = self.ref(where, row, "ReportsToId")
            if "reportstoid" in self.header:
                self.plan.complete("REPORTS_TO", pid)
            if boss:
                self.plan.add_relationship("REPORTS_TO", pid, boss, {}, where, (pref, boss_ref))

    def opportunities(self) -> None:
        for where, row, (oid, oref), (account, account_ref) in self.account_rows("Opportunity", ("id", "name")):
            props = self.columns(row, {"name": "Name", "close_date": "CloseDate", "currency": "CurrencyIsoCode"})
            if "amount" in self.header:
                props["value"] = self.number(where, row, "Amount")
            stage = self.picklist(where, row, "StageName", self.mapping.stages, "stage")
            if stage:
                props["stage"] = stage
            props["source_id"] = oid[3:]
            self.plan.add_node("Opportunity", oid, props, where,
                               requires=(("Account",), account, f"{account_ref} not found; opportunity left out"))
            self.plan.add_relationship("FOR", oid, account, {}, where, (oref, account_ref))
            self.plan.complete("FOR", oid)

    def contact_roles(self) -> None:
        for where, row in self.rows("OpportunityContactRole", ("opportunityid", "contactid")):
            opp, opp_ref = self.ref(where, row, "OpportunityId")
            person, person_ref = self.ref(where, row, "ContactId")
            raw = row.get("role") or "Other"
            role = self.mapping.roles.get(raw.lower())
            if role is None:
                self.plan.warn(where, f"Role {raw!r} is not a known contact role (known: "
                                      f"{', '.join(sorted(self.mapping.roles))}); ROLE_IN not stored")
            elif opp and person:
                self.plan.add_relationship("ROLE_IN", person, opp, {"role": role}, where, (person_ref, opp_ref))

    def team_members(self) -> None:
        for where, row in self.rows("AccountTeamMember", ("accountid", "userid")):
            account, account_ref = self.ref(where, row, "AccountId")
            user, user_ref = self.ref(where, row, "UserId")
            if account and user:
                self.plan.add_relationship("MEMBER_OF", user, account, {"team_role": row.get("teammemberrole")},
                                           where, (user_ref, account_ref))

    def contact_relations(self) -> None:
        for where, direct, (person, person_ref), (account, account_ref), job in self.relations:
            if job is not None and direct and self.has("Contact"):
                continue  # the contact's row says it, with their title (contacts)
            if job is not None:
                self.plan.add_relationship("WORKED_AT", person, account, job, where, (person_ref, account_ref))
                if self.has("Contact"):  # the contact's employments are complete: the ended one goes
                    self.plan.complete("WORKS_AT", person)
            elif not direct:
                self.plan.add_relationship("WORKS_AT", person, account, {}, where, (person_ref, account_ref))

    @functools.cached_property
    def relations(self) -> list[tuple]:
        """The account-contact relations, read once: ``(where, direct, (person,
        ref), (account, ref), job)``, ``job`` ``{since, until}`` when the
        relation ended (IsActive false, or an EndDate not after today), else None."""
        today = date.today().isoformat()
        found = []
        for where, row in self.rows("AccountContactRelation", ("accountid", "contactid")):
            account, account_ref = self.ref(where, row, "AccountId")
            person, person_ref = self.ref(where, row, "ContactId")
            if not (account and person):
                continue
            until = (row.get("enddate") or "")[:10] or None
            inactive = "isactive" in self.header and not _true(row.get("isactive"))
            job = {"since": (row.get("startdate") or "")[:10] or None, "until": until} \
                if inactive or (until is not None and until <= today) else None
            found.append((where, _true(row.get("isdirect")), (person, person_ref), (account, account_ref), job))
        return found


def _true(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1", "yes", "y")


def read_salesforce(directory: Path, mapping: Mapping | None = None, *, encoding: str | None = None) -> ImportPlan:
    """An import plan of the Salesforce export in ``directory`` (nothing read from the store yet);
    ``encoding``: that of the files not in UTF-8 (default: detected)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ValidationError("directory", f"{directory} is not a folder")
    reader = _Reader(directory, mapping or Mapping(), encoding)
    for step in (reader.users, reader.accounts, reader.contacts, reader.opportunities,
                 reader.contact_roles, reader.team_members, reader.contact_relations):
        step()
    if not any(reader.has(name) for name in ("User", "Account", "Contact", "Opportunity",
                                             "OpportunityContactRole", "AccountTeamMember",
                                             "AccountContactRelation")):
        reader.plan.error(Where(str(directory)), "no Salesforce object file (Account.csv, Contact.csv…) found")
    return reader.plan
