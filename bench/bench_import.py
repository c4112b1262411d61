"""Import of a generated Salesforce-style export into a fresh embedded store.

    nice -n 10 .venv/bin/python bench/bench_import.py [--contacts 100000] [--relationship-rows 300000]

The export is generated with a fixed seed (same files every run): 2% as many
accounts as contacts (a tenth with a parent), 200 users, one opportunity per
five contacts; each contact has an account and most a ReportsTo; the
relationship rows are split between OpportunityContactRole (50%),
AccountContactRelation (43%, indirect) and AccountTeamMember (7%).
Prints one JSON object: rows read, rows written, seconds per phase, rows/s
and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from graphcrm.config import Settings
from graphcrm.graph import open_store
from graphcrm.transfer.plan import BATCH_SIZE
from graphcrm.transfer.salesforce import read_salesforce

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
ROLES = ["Business User", "Decision Maker", "Economic Buyer", "Evaluator", "Executive Sponsor",
         "Influencer", "Technical Buyer", "Other"]
STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review",
          "Closed Won", "Closed Lost"]


def sfid(prefix: str, n: int) -> str:
    """A 15-character Salesforce-style id (the import adds the checksum)."""
    return f"{prefix}5g{n:010d}"


def generate(folder: Path, contacts: int, relationship_rows: int, seed: int = 7) -> int:
    """Write the export; returns the number of data rows written."""
    rng = random.Random(seed)
    accounts, users, opportunities = max(1, contacts // 50), 200, max(1, contacts // 5)
    rows = 0

    def write(name: str, header: list[str], data) -> None:
        nonlocal rows
        with (folder / name).open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            for row in data:
                writer.writerow(row)
                rows += 1

    write("User.csv", ["Id", "Name", "Username", "IsActive"],
          ([sfid("005", u), f"User {u}", f"user{u}@example.com", "true"] for u in range(users)))
    write("Account.csv", ["Id", "Name", "ParentId", "Industry", "Type", "AnnualRevenue", "OwnerId"],
          ([sfid("001", a), f"客户 Account {a}", sfid("001", rng.randrange(a)) if a and rng.random() < 0.1 else "",
            rng.choice(["Utilities", "Transit", "Banking", "Retail"]), "Customer - Direct",
            rng.randrange(10**5, 10**9), sfid("005", rng.randrange(users))] for a in range(accounts)))

    def contact(c: int) -> list:
        account = c % accounts
        same = c - accounts  # an earlier contact of the same account: a tree, never a cycle
        boss = sfid("003", same) if same >= 0 and rng.random() < 0.8 else ""
        return [sfid("003", c), sfid("001", account), rng.choice(GIVEN), rng.choice(SURNAMES),
                f"Title {c % 40}", f"Dept {c % 12}", boss, f"c{c}@example.cn", f"+86 10 {c:08d}"]

    write("Contact.csv", ["Id", "AccountId", "FirstName", "LastName", "Title", "Department", "ReportsToId",
                          "Email", "Phone"], (contact(c) for c in range(contacts)))
    write("Opportunity.csv", ["Id", "AccountId", "Name", "StageName", "Amount", "CloseDate"],
          ([sfid("006", o), sfid("001", o % accounts), f"Opportunity {o}", rng.choice(STAGES),
            rng.randrange(10**4, 10**8), f"2027-{o % 12 + 1:02d}-15"] for o in range(opportunities)))
    roles = relationship_rows // 2
    team = relationship_rows * 7 // 100
    indirect = relationship_rows - roles - team

    def contact_role(i: int) -> list:
        o = i % opportunities
        c = (o % accounts) + accounts * ((i // opportunities) * 7 % max(1, contacts // accounts))
        return [sfid("00K", i), sfid("006", o), sfid("003", c % contacts), rng.choice(ROLES), "false"]

    write("OpportunityContactRole.csv", ["Id", "OpportunityId", "ContactId", "Role", "IsPrimary"],
          (contact_role(i) for i in range(roles)))
    write("AccountTeamMember.csv", ["Id", "AccountId", "UserId", "TeamMemberRole"],
          ([sfid("01M", i), sfid("001", i % accounts), sfid("005", (i * 13) % users), "Sales Rep"]
           for i in range(team)))
    write("AccountContactRelation.csv", ["Id", "AccountId", "ContactId", "IsDirect"],
          ([sfid("07k", i), sfid("001", (i * 31 + 1) % accounts), sfid("003", i % contacts), "false"]
           for i in range(indirect)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--relationship-rows", type=int, default=300_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "export"
        folder.mkdir()
        start = time.perf_counter()
        rows_read = generate(folder, args.contacts, args.relationship_rows)
        generated = time.perf_counter() - start
        store = open_store(Settings(data_dir=Path(tmp) / "data"))
        try:
            start = time.perf_counter()
            plan = read_salesforce(folder)
            read = time.perf_counter() - start
            start = time.perf_counter()
            report = plan.resolve(store)
            resolved = time.perf_counter() - start
            start = time.perf_counter()
            plan.apply(store)
            written = time.perf_counter() - start
            start = time.perf_counter()
            again = read_salesforce(folder)
            again.resolve(store)
            second = time.perf_counter() - start
        finally:
            store.close()
    total = read + resolved + written
    rows_written = sum(c["create"] for c in [*report.nodes.values(), *report.relationships.values()])
    print(json.dumps({
        "rows_read": rows_read,
        "rows_written": rows_written,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "batch_size": BATCH_SIZE,
        "generate_s": round(generated, 1),
        "read_and_check_s": round(read, 1),
        "compare_with_store_s": round(resolved, 1),
        "write_s": round(written, 1),
        "import_total_s": round(total, 1),
        "rows_read_per_s": round(rows_read / total),
        "rows_written_per_s_while_writing": round(rows_written / written),
        "second_import_unchanged_s": round(second, 1),
        "second_import_writes": again.rows_to_write(),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "python": sys.version.split()[0],
    }, indent=2))


if __name__ == "__main__":
    main()
