"""Values read the way each UI language writes them (graphcrm/web/formats.py):
relative dates, punctuation around words."""

from __future__ import annotations

import pytest

from graphcrm.config import Settings
from graphcrm.web import create_app
from graphcrm.web.formats import aside, due_text, paren


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
