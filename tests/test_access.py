"""The authorization matrix: every route of the app × every role × an account
the user is / is not a member of → the expected status, and no data of a
forbidden account in any response.

Every rule of ``app.url_map`` must have a row in ``ROUTES``: a new route
without one fails ``test_every_route_has_a_row``.  See ``ROUTES`` for how to
add a row.
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid

import pytest

from graphcrm.users import add_user
from graphcrm.web import create_app
from graphcrm.web.db import get_store

PASSWORD = "correct-horse-42"

#: text that belongs to the account "theirs" only: none of it may reach a user
#: who is not on that account's team
FORBIDDEN = ("acc-theirs", "Forbidden Freight", "禁运物流", "p-theirs", "Secret Sun", "孙秘密",
             "opp-theirs", "Hidden Deal", "秘密项目", "+86 138 0000 1234", "secret-notes")


def load_portfolio(store) -> dict:
    """Two accounts with separate teams.  Every role has a user; lina
    (manager), bo (bid, through an opportunity) and vera (viewer) are on the
    team of "ours", omar (manager) on "theirs".  A person of "theirs" knows a
    person of "ours", and omar knows that person: the introduction path
    omar → Secret Sun → 王强 crosses into the forbidden account."""
    store.create("Account", {"name": "Harbor Ours 港口我方", "segment": "strategic", "tier": "cooperative",
                             "lifecycle": "active", "annual_value": 3_000_000}, id="acc-ours")
    store.create("Account", {"name": "Forbidden Freight 禁运物流", "segment": "growth"}, id="acc-theirs")
    users = {"admin": "admin", "director": "director", "lina": "manager", "omar": "manager",
             "bo": "bid", "vera": "viewer"}
    for username, role in users.items():
        add_user(store, username, role=role, password=PASSWORD, id=f"user-{username}")
    store.create_person("acc-ours", {"name": "王强", "title": "CIO", "department": "IT", "influence": 5,
                                     "stance": "supporter"}, id="p-ours-cio")
    store.create_person("acc-ours", {"name": "Anna Berg", "title": "CFO", "influence": 4,
                                     "stance": "skeptic"}, id="p-ours-cfo")
    store.create_person("acc-theirs", {"name": "Secret Sun 孙秘密", "title": "COO", "influence": 4,
                                       "phone": "+86 138 0000 1234", "notes": "secret-notes"}, id="p-theirs")
    store.create_opportunity("acc-ours", {"name": "Quay cranes 2027", "stage": "tender", "value": 900_000},
                             id="opp-ours")
    store.create_opportunity("acc-theirs", {"name": "Hidden Deal 秘密项目", "stage": "qualify"}, id="opp-theirs")
    store.relate("MEMBER_OF", "user-lina", "acc-ours", {"team_role": "account manager"})
    store.relate("MEMBER_OF", "user-vera", "acc-ours")
    store.relate("MEMBER_OF", "user-bo", "opp-ours")
    store.relate("MEMBER_OF", "user-omar", "acc-theirs")
    store.relate("REPORTS_TO", "p-ours-cfo", "p-ours-cio")
    store.relate("ROLE_IN", "p-ours-cio", "opp-ours", {"role": "decision_maker"})
    store.relate("ROLE_IN", "p-ours-cfo", "opp-ours", {"role": "economic_buyer"})
    store.relate("ROLE_IN", "p-theirs", "opp-theirs", {"role": "decision_maker"})
    store.relate("RELATIONSHIP", "user-lina", "p-ours-cfo", {"strength": 2})
    store.relate("RELATIONSHIP", "user-omar", "p-theirs", {"strength": 5})
    store.relate("KNOWS", "p-theirs", "p-ours-cio", {"strength": 5})
    store.create("Competitor", {"name": "RivalCorp"}, id="comp-1")
    store.relate("COMPETES_FOR", "comp-1", "opp-ours")
    store.log_interaction({"kind": "meeting", "at": "2026-04-01T09:00:00+00:00", "summary": "secret-notes"},
                          user_ids=["user-omar"], person_ids=["p-theirs", "p-ours-cio"])
    return {"users": users}


@pytest.fixture(scope="module")
def access_app(settings):
    web_settings = dataclasses.replace(settings, graph_name=f"test-access-{uuid.uuid4().hex[:10]}")
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SETTINGS": web_settings})
    with app.app_context():
        store = get_store()
        load_portfolio(store)
    yield app
    store.backend.drop()
    store.close()


def login(client, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password})
