"""Synthetic portfolios of realistic shape, for benchmarks of the store, the
analysis and the web UI.

``synthetic_portfolio(accounts, people_per_account)`` returns ``(nodes,
rels)`` in the input format of :func:`graphcrm.graph.nxgraph.build_graph`
(and of the store's bulk loaders): nodes as ``(label, props)`` with
``props["id"]`` set, relationships as ``(type, start_id, end_id, props)``.
Every property is valid under :mod:`graphcrm.model`.

Shape (deterministic for a given ``seed`` and ``today``):

* accounts with Chinese or English names (about 70 / 30), segment, tier,
  lifecycle and log-normal annual / potential values;
* per account 4-8 departments and an org chart of realistic depth: a general
  manager, department heads reporting to them, deputies, managers and staff
  below (4-6 levels), one ``REPORTS_TO`` per person but the top;
* influence lines (``INFLUENCES``, ~1.2 per person) mostly within a department
  (85 %) and mostly from more to less senior people; acquaintances
  (``KNOWS``, ~1 per person), about 2 % of them former colleagues at another
  account;
* one of our users per ~10 accounts (plus a bid-team member on a third of
  the accounts) with relationships skewed toward a few senior people
  (strength 1-5, last contact up to ~10 months ago);
* 1-3 opportunities per account in every stage, each with a buying center of
  5-30 people (EB, decision maker, technical / user buyer, procurement,
  usually a champion, sometimes a coach or a blocker; per-deal stance
  sometimes differs);
* a dozen competitors bidding on some opportunities, with relationships to
  about one person in ten;
* optionally interactions (``with_interactions=True``), which portfolio
  graphs leave out.

With the defaults a person carries about five relationships, e.g. 2,000
accounts x 50 people = 100,000 people and roughly 500,000 relationships.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

CN_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
CN_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉玲斌宇浩凯婷健俊帆雪琳晨欣宁亮林峰建文国"
    "志海波云飞丹旭东"
)
EN_FIRST = ["James", "Mary", "John", "Linda", "David", "Susan", "Michael", "Karen", "Daniel", "Nancy", "Paul", "Laura",
            "Mark", "Emma", "Thomas", "Anna", "Peter", "Julia", "Stefan", "Klaus", "Aisha", "Raj", "Nur", "Wei", "Siti",
            "Ahmad", "Priya", "Oliver", "Sophie", "Lucas"]
EN_LAST = ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Walker", "Wright", "Müller", "Schmidt",
           "Weber", "Wagner", "Becker", "Kumar", "Tan", "Lim", "Wong", "Abdullah", "Rahman", "Chen", "Lee", "Ng",
           "Singh"]
CN_ORG_PREFIX = ["江州", "华东", "滨海", "临川", "云岭", "北港", "南湖", "西江", "东陵", "天河"]
CN_ORG_KIND = ["市轨道交通集团", "港务集团", "市第一人民医院", "城市建设投资集团", "电力公司", "水务集团",
               "机场集团", "市住房和城乡建设局", "高速公路公司", "钢铁集团", "汽车有限公司", "能源集团", "大学",
               "智慧城市公司"]
EN_ORG = ["Metro", "Port Authority", "General Hospital", "Power Grid", "Water Utility", "Airport Holdings",
          "Smart City Corporation", "Logistics", "Automotive", "Steel Works", "Energy", "Telecom"]
EN_PLACES = ["Klang Valley", "Penang", "Jakarta", "Bangkok", "Hanoi", "Manila", "Dubai", "Riyadh", "Cairo", "Nairobi"]
INDUSTRIES = ["轨道交通", "港口物流", "医疗卫生", "政府", "电力", "水务", "航空", "制造", "能源", "教育", "Smart city",
              "Automotive", "Telecom"]
CN_DEPTS = ["公司领导", "信息中心", "财务部", "采购中心", "工程部", "运营部", "安全质量部", "综合管理部", "技术部",
            "市场部", "人力资源部", "法务部"]
EN_DEPTS = ["Board", "IT", "Finance", "Procurement", "Engineering", "Operations", "Quality", "Administration",
            "Technology", "Marketing", "HR", "Legal"]
CN_TITLES = {5: "总经理", 4: "部长", 3: "副部长", 2: "主管", 1: "工程师"}
EN_TITLES = {5: "General Manager", 4: "Head of {d}", 3: "Deputy Head of {d}", 2: "{d} Manager", 1: "{d} Specialist"}
STAGES_WEIGHTED = (["lead"] * 2 + ["qualify"] * 2 + ["pre_bid"] * 2 + ["tender"] * 2 + ["submitted", "evaluation"]
                   + ["won"] * 2 + ["lost"])
SEGMENTS = ["strategic", "key", "key", "growth", "growth", "general", "general", "general"]
TIERS = ["transactional", "transactional", "service", "service", "cooperative", "strategic_partner"]
LIFECYCLES = ["prospect", "onboarding", "active", "active", "active", "expanding", "at_risk", "churned"]
STANCES = ["champion", "supporter", "supporter", "neutral", "neutral", "neutral", "skeptic", "opponent"]


def _stamp(today: date, days_ago: int, rng: random.Random) -> str:
    at = datetime.combine(today - timedelta(days=days_ago), time(rng.randrange(8, 19), rng.randrange(0, 60)),
                          tzinfo=timezone.utc)
    return at.isoformat()


def synthetic_portfolio(
    accounts: int,
    people_per_account: int = 50,
    *,
    seed: int = 7,
    today: date | None = None,
    buying_center: tuple[int, int] = (5, 30),
    opportunities_per_account: tuple[int, int] = (1, 3),
    accounts_per_user: int = 10,
    competitors: int = 12,
    with_interactions: bool = False,
):
    """A deterministic synthetic portfolio as ``(nodes, rels)``.

    Parameters
    ----------
    accounts : int
        Number of customer accounts.
    people_per_account : int
        Stakeholders per account.
    seed : int
        Random seed; the same seed and ``today`` give the same portfolio.
    today : date, optional
        Dates are relative to it (default: the current date).
    buying_center : (int, int)
        Smallest and largest buying center per opportunity (capped by
        ``people_per_account``).
    opportunities_per_account : (int, int)
        Range of opportunities per account.
    accounts_per_user : int
        One of our key-account managers per this many accounts.
    competitors : int
        Number of competitor companies.
    with_interactions : bool
        Also generate interactions (ATTENDED / WITH / ABOUT).

    Examples
    --------
    >>> nodes, rels = synthetic_portfolio(3, 20, today=date(2026, 5, 1))
    >>> sum(1 for label, _ in nodes if label == "Person")
    60
    >>> synthetic_portfolio(3, 20, today=date(2026, 5, 1)) == (nodes, rels)
    True
    """
    rng = random.Random(seed)
    today = today or date.today()
    nodes: list = []
    rels: list = []
    n_users = max(1, -(-accounts // accounts_per_user))
    users = []
    for u in range(n_users):
        chinese = rng.random() < 0.8
        name = _cn_name(rng) if chinese else _en_name(rng)
        uid = f"u-{u:04d}"
        users.append(uid)
        nodes.append(("User", {"id": uid, "username": f"user{u:04d}", "display_name": name, "role": "manager",
                               "title": "大客户经理" if chinese else "Key-account manager", "active": True}))
    bid_users = []
    for b in range(max(1, n_users // 3)):
        uid = f"u-bid-{b:04d}"
        bid_users.append(uid)
        nodes.append(("User", {"id": uid, "username": f"bid{b:04d}", "display_name": _cn_name(rng), "role": "bid",
                               "title": "售前工程师", "active": True}))
    comps = []
    for c in range(competitors):
        cid = f"comp-{c:03d}"
        comps.append(cid)
        comp_name = rng.choice(CN_ORG_PREFIX) + rng.choice(["智联", "数科", "信息", "系统", "科技"]) + f"{c}号公司"
        nodes.append(("Competitor", {"id": cid, "name": comp_name}))

    people_of: list[list[str]] = []
    for a in range(accounts):
        aid = f"acc-{a:05d}"
        chinese = rng.random() < 0.7
        name = (
            rng.choice(CN_ORG_PREFIX) + rng.choice(CN_ORG_KIND) + (f"{a}分公司" if a >= 100 else "")
            if chinese
            else f"{rng.choice(EN_PLACES)} {rng.choice(EN_ORG)} {a}"
        )
        annual = round(rng.lognormvariate(15.5, 1.2), -3)
        nodes.append(("Account", {
            "id": aid, "name": name, "industry": rng.choice(INDUSTRIES),
            "region": rng.choice(CN_ORG_PREFIX) if chinese else rng.choice(EN_PLACES),
            "segment": rng.choice(SEGMENTS), "tier": rng.choice(TIERS), "lifecycle": rng.choice(LIFECYCLES),
            "annual_value": annual, "potential_value": round(annual * rng.uniform(1.0, 8.0), -3),
        }))
        owner = users[min(a // accounts_per_user, n_users - 1)]
        team = [owner] + ([rng.choice(bid_users)] if rng.random() < 0.33 else [])
        for u in team:
            rels.append(("MEMBER_OF", u, aid, {"team_role": "account manager" if u == owner else "bid team"}))

        # -- org chart -------------------------------------------------------
        n = people_per_account
        depts = rng.sample(range(len(CN_DEPTS) - 1), k=min(len(CN_DEPTS) - 1, rng.randint(4, 8)))
        pids, dept_of, level_of = [], {}, {}
        top = f"p-{a:05d}-000"
        members_by_dept: dict[int, list[str]] = {}
        for j in range(n):
            pid = f"p-{a:05d}-{j:03d}"
            pids.append(pid)
            if j == 0:
                d, level, boss = 0, 5, None
            elif j <= len(depts):
                d, level, boss = depts[j - 1] + 1, 4, top
            else:
                d = depts[(j - 1) % len(depts)] + 1
                chain = members_by_dept[d]
                # attach under someone in the department, preferring senior people:
                # a tree of depth 4-6
                boss = (chain[min(int(rng.paretovariate(1.2)) - 1, len(chain) - 1)] if rng.random() < 0.5
                        else rng.choice(chain))
                level = max(1, level_of[boss] - 1)
            members_by_dept.setdefault(d, []).append(pid)
            dept_of[pid], level_of[pid] = d, level
            infl = max(1, min(5, level + rng.choice([-1, 0, 0, 0, 1])))
            dname = CN_DEPTS[d] if chinese else EN_DEPTS[d]
            title = CN_TITLES[level] if chinese else EN_TITLES[level].format(d=dname)
            props = {
                "id": pid, "name": _cn_name(rng) if chinese else _en_name(rng), "title": title, "department": dname,
                "seniority": level, "influence": infl, "stance": rng.choice(STANCES),
            }
            nodes.append(("Person", props))
            since = (today - timedelta(days=rng.randrange(30, 4000))).isoformat()
            rels.append(("WORKS_AT", pid, aid, {"since": since}))
            if boss is not None:
                rels.append(("REPORTS_TO", pid, boss, {}))
        people_of.append(pids)

        # -- influence and acquaintance ----------------------------------------
        seen = set()
        for _ in range(int(n * 1.2)):
            u = rng.choice(pids)
            pool = members_by_dept[dept_of[u]] if rng.random() < 0.85 else pids
            v = rng.choice(pool)
            if level_of[v] > level_of[u]:
                u, v = v, u
            if u != v and ("I", u, v) not in seen:
                seen.add(("I", u, v))
                rels.append(("INFLUENCES", u, v, {"strength": rng.randint(1, 5)}))
        for _ in range(n):
            u, v = rng.choice(pids), rng.choice(pids)
            if u != v and ("K", u, v) not in seen and ("K", v, u) not in seen:
                seen.add(("K", u, v))
                rels.append(("KNOWS", u, v, {"strength": rng.randint(1, 5)}))

        # -- our relationships: skewed toward a few senior people ------------------
        weights = [level_of[p] ** 3 for p in pids]
        n_rel = max(2, int(n * rng.uniform(0.15, 0.3)))
        chosen = set()
        for p in rng.choices(pids, weights=weights, k=n_rel):
            u = owner if rng.random() < 0.75 else rng.choice(team + [rng.choice(users)])
            if (u, p) in chosen:
                continue
            chosen.add((u, p))
            rels.append(("RELATIONSHIP", u, p, {
                "strength": rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 3, 3, 2])[0],
                "since": (today - timedelta(days=rng.randrange(60, 2000))).isoformat(),
                "last_contact_at": _stamp(today, int(rng.expovariate(1 / 60)) % 300, rng),
            }))
        for p in rng.sample(pids, k=max(1, n // 10)):
            rels.append(("RELATIONSHIP", rng.choice(comps), p, {"strength": rng.randint(1, 5)}))

        # -- opportunities ------------------------------------------------------------
        for k in range(rng.randint(*opportunities_per_account)):
            oid = f"opp-{a:05d}-{k}"
            stage = rng.choice(STAGES_WEIGHTED)
            nodes.append(("Opportunity", {
                "id": oid,
                "name": (f"{name}智能化项目{k + 1}期" if chinese else f"{name} digital programme phase {k + 1}"),
                "value": round(annual * rng.uniform(0.2, 3.0), -3), "currency": "CNY" if chinese else "USD",
                "stage": stage,
                "close_date": (today + timedelta(days=rng.randrange(-300, 400))).isoformat(),
            }))
            rels.append(("FOR", oid, aid, {}))
            for u in team:
                rels.append(("MEMBER_OF", u, oid, {"team_role": "sales lead" if u == owner else "bid manager"}))
            size = min(n, rng.randint(*buying_center))
            senior = sorted(pids, key=lambda p: (-level_of[p], p))
            center = senior[: max(2, size // 3)]
            rest = [p for p in pids if p not in set(center)]
            center += rng.sample(rest, k=min(len(rest), size - len(center)))
            roles = ["economic_buyer" if rng.random() < 0.9 else "influencer", "decision_maker", "technical_buyer",
                     "user_buyer", "procurement"]
            if rng.random() < 0.7:
                roles.append("champion")
            if rng.random() < 0.5:
                roles.append("coach")
            if rng.random() < 0.2:
                roles.append("blocker")
            for i, p in enumerate(center):
                role = (roles[i] if i < len(roles)
                        else rng.choice(["influencer", "influencer", "gatekeeper", "user_buyer"]))
                props = {"role": role}
                if rng.random() < 0.2:
                    props["stance"] = rng.choice(STANCES)
                if rng.random() < 0.1:
                    props["influence"] = rng.randint(1, 5)
                rels.append(("ROLE_IN", p, oid, props))
            for c in rng.sample(comps, k=rng.choice([0, 1, 1, 2])):
                rels.append(("COMPETES_FOR", c, oid, {}))
            if with_interactions:
                for i in range(rng.randint(1, 4)):
                    iid = f"int-{a:05d}-{k}-{i}"
                    nodes.append(("Interaction", {"id": iid, "kind": rng.choice(["meeting", "call", "wechat", "visit"]),
                                                  "channel": "in_person",
                                                  "at": _stamp(today, rng.randrange(0, 200), rng),
                                                  "summary": "", "sentiment": rng.randint(-2, 2)}))
                    rels.append(("ATTENDED", rng.choice(team), iid, {}))
                    rels.append(("WITH", iid, rng.choice(center), {}))
                    rels.append(("ABOUT", iid, oid, {}))

    # former colleagues across accounts
    if accounts > 1:
        for a, pids in enumerate(people_of):
            for p in pids:
                if rng.random() < 0.02:
                    other = rng.randrange(accounts - 1)
                    other += other >= a
                    rels.append(("KNOWS", p, rng.choice(people_of[other]), {"strength": rng.randint(2, 5)}))
    return nodes, rels


def _cn_name(rng: random.Random) -> str:
    return rng.choice(CN_SURNAMES) + "".join(rng.choice(CN_GIVEN) for _ in range(rng.choice([1, 2, 2])))


def _en_name(rng: random.Random) -> str:
    return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"


if __name__ == "__main__":  # pragma: no cover
    import sys
    from collections import Counter

    nodes, rels = synthetic_portfolio(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
    print(Counter(lbl for lbl, _ in nodes), Counter(t for t, *_ in rels), len(rels))
