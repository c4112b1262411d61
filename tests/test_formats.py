"""Values read the way each UI language writes them (graphcrm/web/formats.py):
relative dates, punctuation around words, money, times in the site's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from graphcrm.config import Settings
from graphcrm.errors import ConfigError
from graphcrm.web import create_app
from graphcrm.web.formats import (
    aside,
    day_text,
    due_text,
    moment_text,
    money,
    money_text,
    paren,
    utc_from_local,
    when,
    zone_name,
)


@pytest.fixture(scope="module")
def formats_app(tmp_path_factory):
    """An app that never opens its database: formatting needs the request's language only."""
    return create_app({"TESTING": True, "SETTINGS": Settings(data_dir=tmp_path_factory.mktemp("formats"),
                                                             secret_key="test-secret")})


def in_language(app, lang: str, function, *args):
    with app.test_request_context(headers={"Accept-Language": lang}):
        return str(function(*args))


@pytest.mark.parametrize("days_overdue, english, chinese", [
    (None, "due now", "应立即联系"),
    (0, "due today", "今天到期"),
    (-1, "due tomorrow", "明天到期"),
    (-3, "in 3 days", "3 天后到期"),
    (1, "overdue by 1 day", "逾期 1 天"),
    (2, "overdue by 2 days", "逾期 2 天"),
])
def test_a_contact_is_due_in_words_of_each_language(formats_app, days_overdue, english, chinese):
    assert in_language(formats_app, "en", due_text, days_overdue) == english
    assert in_language(formats_app, "zh", due_text, days_overdue) == chinese


def test_parentheses_are_full_width_in_chinese_and_escape_what_they_hold(formats_app):
    assert in_language(formats_app, "en", aside, "Li Na", 4) == "Li Na (4)"
    assert in_language(formats_app, "zh", aside, "李娜", 4) == "李娜（4）"
    assert in_language(formats_app, "en", paren, "<b>") == " (&lt;b&gt;)"
    assert in_language(formats_app, "zh", paren, "高") == "（高）"


@pytest.mark.parametrize("amount, currency, chinese, english", [
    (5000, "CNY", "5,000 元", "CNY 5,000"),
    (48_000_000, None, "4,800 万元", "CNY 48M"),          # no currency: CNY
    (126_000_000, "CNY", "1.26 亿元", "CNY 126M"),
    (146_951_500, "CNY", "1.47 亿元", "CNY 147M"),        # three significant digits
    (3_168_000, "CNY", "317 万元", "CNY 3.17M"),
    (950_000, "CNY", "95 万元", "CNY 950,000"),           # under a million: whole in English
    (14_500_000, "USD", "1,450 万美元", "USD 14.5M"),     # the currency by its Chinese name
    (1_500_000_000, "eur", "15 亿欧元", "EUR 1.5B"),
    (9_900_000, "XYZ", "990 万 XYZ", "XYZ 9.9M"),         # no Chinese name: the code
    (0, "CNY", "0 元", "CNY 0"),
    (None, "CNY", "", ""),
])
def test_money_reads_in_wan_and_yi_in_chinese_and_in_millions_in_english(amount, currency, chinese, english):
    assert money_text(amount, currency, "zh") == chinese
    assert money_text(amount, currency, "en") == english


def test_the_money_filter_follows_the_ui_language(formats_app):
    assert in_language(formats_app, "zh", money, 48_000_000, "CNY") == "4,800 万元"
    assert in_language(formats_app, "en", money, 48_000_000, "CNY") == "CNY 48M"


# -- times: stored in UTC, shown and typed in the site's time zone ------------------------------------

SHANGHAI, BERLIN = ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize("typed, zone, stored", [
    ("2026-05-01T17:30", SHANGHAI, "2026-05-01T09:30:00+00:00"),
    ("2026-05-01T07:00", SHANGHAI, "2026-04-30T23:00:00+00:00"),   # the day before in UTC
    ("2026-01-15T09:00", BERLIN, "2026-01-15T08:00:00+00:00"),     # winter: UTC+1
    ("2026-07-15T09:00", BERLIN, "2026-07-15T07:00:00+00:00"),     # summer: UTC+2
    ("2026-05-01T17:30+02:00", SHANGHAI, "2026-05-01T15:30:00+00:00"),  # an offset typed wins
])
def test_a_typed_time_is_read_in_the_site_zone_and_shown_there_again(typed, zone, stored):
    assert utc_from_local(datetime.fromisoformat(typed), zone) == stored
    if "+" not in typed:
        assert moment_text(stored, zone) == typed.replace("T", " ")


def test_stored_moments_show_in_the_site_zone():
    assert moment_text("2026-05-01T20:00:00+00:00", SHANGHAI) == "2026-05-02 04:00"
    assert moment_text("2026-05-01T20:00:00", SHANGHAI) == "2026-05-02 04:00"  # no offset: UTC
    assert moment_text("2026-05-01T20:00:05+00:00", BERLIN, seconds=True) == "2026-05-01 22:00:05"
    assert day_text("2026-05-01T20:00:00+00:00", SHANGHAI) == "2026-05-02"
    assert day_text("2026-05-01", SHANGHAI) == "2026-05-01"  # a date is a date
    assert moment_text("not a moment", SHANGHAI) == "not a moment" and moment_text(None, SHANGHAI) == ""
    # a moment at the edge of the calendar, shown where it would overflow: as it is, never an error
    assert moment_text("9999-12-31T23:00:00+00:00", SHANGHAI) == "9999-12-31T23:00:00+00:00"


def test_the_site_zone_is_a_setting_named_in_the_ui_language(tmp_path):
    assert Settings().timezone == "Asia/Shanghai"
    berlin = create_app({"TESTING": True, "SETTINGS": Settings.from_env(
        {"GRAPHCRM_TIMEZONE": "Europe/Berlin"}, data_dir=tmp_path, secret_key="test-secret")})
    with berlin.test_request_context(headers={"Accept-Language": "zh"}):
        assert when("2026-07-15T07:00:00+00:00") == "2026-07-15 09:00" and zone_name() == "中欧时间"
    with pytest.raises(ConfigError, match="GRAPHCRM_TIMEZONE must be a time zone"):
        Settings.from_env({"GRAPHCRM_TIMEZONE": "Beijing"})
