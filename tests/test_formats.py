"""Values read the way each UI language writes them (graphcrm/web/formats.py):
relative dates, punctuation around words, money."""

from __future__ import annotations

import pytest

from graphcrm.config import Settings
from graphcrm.web import create_app
from graphcrm.web.formats import aside, due_text, money, money_text, paren


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
