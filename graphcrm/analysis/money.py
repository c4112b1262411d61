"""Amounts in several currencies, converted to one reporting currency before they are summed or sorted.

A rate table is ``{"currency": "CNY", "rates": {"USD": 7.1, ...}}``: the
reporting currency and, for every other currency, how many units of the
reporting currency one unit is worth.  An amount in a currency the table has
no rate for is never added in: it is kept apart under ``unconverted`` and
shown as "not converted: no rate for XYZ".

The default rates (:data:`DEFAULT_RATES`) are round figures close to the
People's Bank of China's central parity rates of 2025 (USD 7.1, EUR 7.8,
HKD 0.91, MYR 1.6 yuan).  They are not live rates: an admin sets the rates
the business plans with on the admin page "Exchange rates", and reports use
those.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

#: the reporting currency and the rates to it, until an admin sets others
DEFAULT_RATES: dict = {"currency": "CNY", "rates": {"USD": 7.1, "EUR": 7.8, "HKD": 0.91, "MYR": 1.6}}

#: the currency of an amount recorded without one
DEFAULT_CURRENCY = "CNY"


def rate_of(currency: str | None, rates: Mapping | None = None) -> float | None:
    """Units of the reporting currency one unit of ``currency`` is worth (None: no rate)."""
    table = DEFAULT_RATES if rates is None else rates
    code = (currency or DEFAULT_CURRENCY).upper()
    if code == table["currency"]:
        return 1.0
    return table["rates"].get(code)


def in_reporting(amount, currency: str | None, rates: Mapping | None = None) -> float | None:
    """``amount`` in the reporting currency, or None when ``currency`` has no rate."""
    rate = rate_of(currency, rates)
    return None if rate is None else round(float(amount or 0) * rate, 2)


def by_currency(pairs: Iterable[tuple[float, str | None]]) -> dict[str, float]:
    """Amounts summed per currency: ``{"CNY": 1.5e6, "USD": 2e5}``."""
    out: dict[str, float] = {}
    for amount, currency in pairs:
        code = (currency or DEFAULT_CURRENCY).upper()
        out[code] = round(out.get(code, 0.0) + float(amount or 0), 2)
    return out


def convert(amounts: Mapping[str, float], rates: Mapping | None = None) -> dict:
    """Amounts per currency as one amount in the reporting currency.

    Parameters
    ----------
    amounts : mapping
        Amount per currency code (:func:`by_currency`).
    rates : mapping, optional
        A rate table (default :data:`DEFAULT_RATES`).

    Returns
    -------
    dict
        ``amount`` (the sum of the amounts that have a rate, converted),
        ``currency`` (the reporting currency) and ``unconverted`` (amount
        per currency without a rate, left out of ``amount``).

    Examples
    --------
    >>> convert({"CNY": 1000.0, "USD": 100.0, "XYZ": 5.0})
    {'amount': 1710.0, 'currency': 'CNY', 'unconverted': {'XYZ': 5.0}}
    """
    table = DEFAULT_RATES if rates is None else rates
    total, unconverted = 0.0, {}
    for code, amount in sorted(amounts.items()):
        value = in_reporting(amount, code, table)
        if value is None:
            unconverted[code] = amount
        else:
            total += value
    return {"amount": round(total, 2), "currency": table["currency"], "unconverted": unconverted}


__all__ = ["DEFAULT_RATES", "by_currency", "convert", "in_reporting", "rate_of"]
