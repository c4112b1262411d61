"""The exchange-rate table the reports convert amounts with: a file in the data folder, edited by an admin.

The table is ``rates.json`` in ``GRAPHCRM_DATA_DIR``:
``{"currency": "CNY", "rates": {"USD": 7.1, "EUR": 7.8}}``, the reporting
currency and how many units of it one unit of each other currency is worth
(the format of :mod:`graphcrm.analysis.money`).  Without the file the
documented defaults apply (:data:`graphcrm.analysis.money.DEFAULT_RATES`:
round figures, not live rates).  It is a setting of this installation, like
the uploads folder beside it, not customer data: backups of the graph do not
hold it, and each server of a cluster reads its own data folder.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from graphcrm.analysis.money import DEFAULT_RATES
from graphcrm.errors import ValidationError

RATES_FILE = "rates.json"

_CODE = re.compile(r"^[A-Z]{3}$")


def load_rates(data_dir) -> dict:
    """The rate table of the data folder, or the defaults when there is none."""
    path = Path(data_dir) / RATES_FILE
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
        return check_table(table)
    except (OSError, ValueError, ValidationError, TypeError, KeyError):
        return {"currency": DEFAULT_RATES["currency"], "rates": dict(DEFAULT_RATES["rates"])}


def parse_rates(text: str) -> tuple[dict[str, float], list[dict]]:
    """Rates written one a line, ``USD 7.1``: the rates and the problems found.

    A problem is ``{"line": n, "text": the line, "problem": kind}`` with kind
    ``format`` (not a code and a number), ``currency`` (not a three-letter
    code), ``number`` (not a number), ``positive`` (zero or negative) or
    ``twice`` (a currency given twice).
    """
    rates: dict[str, float] = {}
    problems = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        parts = line.replace("=", " ").replace(":", " ").split()
        if not parts:
            continue
        problem = None
        if len(parts) != 2:
            problem = "format"
        elif not _CODE.match(parts[0].upper()):
            problem = "currency"
        else:
            try:
                rate = float(parts[1])
            except ValueError:
                rate = None
            if rate is None or rate != rate or rate in (float("inf"), float("-inf")):
                problem = "number"
            elif rate <= 0:
                problem = "positive"
            elif parts[0].upper() in rates:
                problem = "twice"
            else:
                rates[parts[0].upper()] = rate
        if problem:
            problems.append({"line": n, "text": line.strip(), "problem": problem})
    return rates, problems


def check_table(table: dict) -> dict:
    """``table`` if it is a valid rate table, else ValidationError."""
    currency = str(table.get("currency") or "").upper()
    if not _CODE.match(currency):
        raise ValidationError("currency", "must be a three-letter currency code such as CNY")
    rates = {}
    for code, rate in (table.get("rates") or {}).items():
        if not _CODE.match(str(code)):
            raise ValidationError("rates", f"{code!r} is not a three-letter currency code")
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 < rate < float("inf"):
            raise ValidationError("rates", f"the rate of {code} must be a positive number")
        if code != currency:
            rates[code] = float(rate)
    return {"currency": currency, "rates": rates}


def save_rates(data_dir, table: dict) -> dict:
    """Check and store the rate table of the data folder (replacing it whole)."""
    table = check_table(table)
    path = Path(data_dir) / RATES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(table, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
    return table


def rates_text(table: dict) -> str:
    """The rates of ``table`` one a line, as :func:`parse_rates` reads them."""
    return "\n".join(f"{code} {rate:g}" for code, rate in sorted(table["rates"].items()))
