"""The demo portfolio: a deterministic, bilingual sample of what GraphCRM is for.

We are a smart-infrastructure / IT systems integrator in 江州 (Jiangzhou) with
projects in China and abroad.  Seven customer accounts, 84 stakeholders, our
team of eight and a year of interactions tell the stories the tool exists for:

* ``acc-citybureau`` 江州市住房和城乡建设局 — a municipal bureau running a large
  construction tender, ``opp-citybureau-smartsite`` (智慧工地监管平台及CIM基础平台,
  stage *tender*).  The bid is well covered (Zhang Wei, Gao Feng and the
  director all hold relationships) and four inside informants (项目线人, buying
  role ``coach``) feed us news: 黄磊, 徐静, 马晓丽, 曹琳.  Competitor 华信智联
  works the skeptical quality-safety station (杨帆) and deputy director 赵文斌.
  ``opp-citybureau-archive`` is an earlier won project.
* ``acc-metro-group`` 江州市轨道交通集团 (strategic partner) with its business
  unit ``acc-metro-ops`` 运营分公司 (``PART_OF``).  ``opp-metro-line4`` (4号线
  ISCS) is **single-threaded**: every strong relationship (strength >= 3) into
  its buying center is held by ``u-lina``.  韩雪 (``p-han-xue``) is a
  **blocker** who favours the incumbent.  ``opp-metro-line2-upgrade`` was won
  last year, and the group's leaders have been **promoters** since (scores 9,
  10, 9, 9: NPS +100, steady).  ``opp-metro-ops-om`` (O&M renewal) is
  submitted while operations' **satisfaction falls** over the year (9, 8, 9,
  6, 4): 崔明's complaint was answered at the renewal meeting, but the signal
  workshop's (孟琪, 4/10, 20 days ago) has an **unanswered follow-up**, overdue.
* ``acc-port-group`` 江州港务集团 — ``opp-port-tos`` has **no access to the
  economic buyer** 严东 (``p-yan-dong``): no one on our side knows him, while
  东方数科 does.  A warm path exists: 严东 KNOWS 秦峰 (``p-qin-feng``, metro
  operations), whom Li Na knows well.
* ``acc-huade-jv`` 华德汽车 (Sino-German joint venture, English names) —
  in ``opp-huade-mes`` competitor Nordtek Automation has a **stronger
  relationship to the decision maker** Klaus Weber (5) than we do (2).
* ``acc-first-hospital`` 江州市第一人民医院 — lifecycle **at_risk**: stale
  relationships, poor feedback (satisfaction 7, then 4 and 3, both complaints
  unanswered), ``opp-hospital-logistics`` lost to 东方数科.
* ``acc-kvsc`` Klang Valley Smart City Corporation (Malaysia, prospect) —
  ``opp-kvsc-ioc`` has a **missing buying-center role**: no economic buyer
  identified yet.

Our team (password ``DEMO_PASSWORD`` for all): ``admin``; ``director`` 周明
(sales director); managers ``lina`` 李娜 (rail), ``zhangwei`` 张伟 (government,
port, hospital), ``liuyang`` 刘洋 (joint ventures and overseas); bid team
``sunli`` 孙丽 (bid manager) and ``gaofeng`` 高峰 (solution architect);
``viewer`` 王小雨 (read only).

Everything is fixed except dates, which are relative to ``today`` so that
recency and staleness read the same on any day.  The latest interaction
between a user and a person is that ``RELATIONSHIP``'s ``last_contact_at``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from graphcrm.model import FOLLOW_UP_DAYS, OPEN_STAGES, opens_follow_up

DEMO_PASSWORD = "graphcrm-demo"

_SEED = "graphcrm-demo-1"

# --------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------

# id, name, industry, region, segment, tier, lifecycle, annual_value, potential_value,
# e-mail domain, phone prefix, summary language
ACCOUNTS = [
    ("acc-citybureau", "江州市住房和城乡建设局", "政府 · 城乡建设", "华东 · 江州",
     "strategic", "cooperative", "active", 18_000_000, 90_000_000, "jzzjj.gov.cn", "+86 13", "zh"),
    ("acc-metro-group", "江州市轨道交通集团有限公司", "轨道交通", "华东 · 江州",
     "strategic", "strategic_partner", "expanding", 45_000_000, 200_000_000, "jzmetro.com.cn", "+86 13", "zh"),
    ("acc-metro-ops", "江州市轨道交通集团运营分公司", "轨道交通 · 运营", "华东 · 江州",
     "key", "cooperative", "active", 12_000_000, 30_000_000, "ops.jzmetro.com.cn", "+86 15", "zh"),
    ("acc-port-group", "江州港务集团有限公司", "港口物流", "华东 · 江州",
     "key", "service", "onboarding", 3_000_000, 80_000_000, "jzport.com", "+86 18", "zh"),
    ("acc-huade-jv", "华德汽车有限公司 Huade Automotive Co., Ltd.", "Automotive manufacturing 汽车制造",
     "East China · Jiangzhou ETDZ", "growth", "transactional", "onboarding", 1_500_000, 40_000_000,
     "huade-auto.com", "+86 17", "en"),
    ("acc-first-hospital", "江州市第一人民医院", "医疗卫生", "华东 · 江州",
     "general", "service", "at_risk", 2_000_000, 10_000_000, "jzfh.org.cn", "+86 13", "zh"),
    ("acc-kvsc", "Klang Valley Smart City Corporation Sdn Bhd", "Smart city / public sector",
     "Southeast Asia · Malaysia", "growth", "transactional", "prospect", 0, 60_000_000,
     "kvsc.com.my", "+60 1", "en"),
    # a public-sector customer in its tender's quiet period (tender compliance, graphcrm/compliance.py)
    ("acc-water", "江州市水务局", "政府 · 水务", "华东 · 江州",
     "key", "service", "active", 5_000_000, 30_000_000, "jzswj.gov.cn", "+86 13", "zh"),
]
PART_OF = [("acc-metro-ops", "acc-metro-group")]
#: people who worked at another account before (WORKED_AT): person, account, title there,
#: years ago they started and left; 彭涛 came to the hospital from the city bureau's information centre
FORMER_EMPLOYMENT = [("peng-tao", "acc-citybureau", "信息中心工程师", 9, 4)]

# --------------------------------------------------------------------------
# People: per account (key, name, title, department, seniority, influence, stance, manager key)
# The person id is "p-" + key.
# --------------------------------------------------------------------------

PEOPLE = {
    "acc-citybureau": [
        ("chen-guoqiang", "陈国强", "局长", "局领导", 5, 5, "neutral", None),
        ("liu-hongmei", "刘红梅", "副局长（分管建筑市场与信息化）", "局领导", 5, 5, "supporter", "chen-guoqiang"),
        ("zhao-wenbin", "赵文斌", "副局长（分管工程质量安全）", "局领导", 5, 4, "neutral", "chen-guoqiang"),
        ("sun-jie", "孙杰", "办公室主任", "办公室", 4, 3, "neutral", "chen-guoqiang"),
        ("cao-lin", "曹琳", "办公室秘书", "办公室", 2, 2, "supporter", "sun-jie"),
        ("wang-jianguo", "王建国", "信息中心主任", "信息中心", 4, 4, "supporter", "liu-hongmei"),
        ("huang-lei", "黄磊", "信息中心副主任", "信息中心", 3, 3, "champion", "wang-jianguo"),
        ("xu-jing", "徐静", "系统工程师", "信息中心", 2, 2, "supporter", "huang-lei"),
        ("zhou-pengfei", "周鹏飞", "建筑市场监管处处长", "建筑市场监管处", 4, 4, "neutral", "liu-hongmei"),
        ("ma-xiaoli", "马晓丽", "科员", "建筑市场监管处", 2, 2, "supporter", "zhou-pengfei"),
        ("yang-fan", "杨帆", "质量安全监督站站长", "质量安全监督站", 4, 4, "skeptic", "zhao-wenbin"),
        ("he-jun", "何军", "质量安全监督站副站长", "质量安全监督站", 3, 3, "neutral", "yang-fan"),
        ("lin-qiu", "林秋", "监督工程师", "质量安全监督站", 2, 2, "neutral", "he-jun"),
        ("qian-hao", "钱浩", "计划财务处处长", "计划财务处", 4, 4, "neutral", "chen-guoqiang"),
        ("deng-yu", "邓宇", "计划财务处副处长", "计划财务处", 3, 2, "neutral", "qian-hao"),
        ("feng-xue", "冯雪", "城建档案馆馆长", "城建档案馆", 4, 3, "supporter", "zhao-wenbin"),
    ],
    "acc-metro-group": [
        ("zheng-hai", "郑海", "董事长", "集团领导", 5, 5, "supporter", None),
        ("wu-zhiyuan", "吴志远", "总经理", "集团领导", 5, 5, "neutral", "zheng-hai"),
        ("shen-li", "沈莉", "副总经理（分管建设）", "集团领导", 5, 5, "supporter", "wu-zhiyuan"),
        ("tang-jun", "唐军", "建设管理中心主任", "建设管理中心", 4, 4, "champion", "shen-li"),
        ("kong-fanyu", "孔繁宇", "建设管理中心副主任", "建设管理中心", 4, 3, "supporter", "tang-jun"),
        ("luo-bin", "罗斌", "机电工程部部长", "机电工程部", 4, 4, "supporter", "shen-li"),
        ("han-xue", "韩雪", "高级工程师", "机电工程部", 3, 3, "opponent", "luo-bin"),
        ("xie-wei", "谢伟", "系统工程师", "机电工程部", 2, 2, "neutral", "luo-bin"),
        ("fang-qing", "方青", "信息技术部部长", "信息技术部", 4, 3, "neutral", "wu-zhiyuan"),
        ("jiang-tao", "蒋涛", "网络安全主管", "信息技术部", 3, 2, "neutral", "fang-qing"),
        ("du-juan", "杜娟", "招标采购部部长", "招标采购部", 4, 3, "neutral", "wu-zhiyuan"),
        ("pan-yi", "潘毅", "采购经理", "招标采购部", 3, 2, "neutral", "du-juan"),
        ("song-ke", "宋柯", "财务部部长", "财务部", 4, 4, "neutral", "wu-zhiyuan"),
    ],
    "acc-metro-ops": [
        ("qin-feng", "秦峰", "总经理", "公司领导", 5, 5, "supporter", None),
        ("lu-yan", "陆岩", "副总经理（分管运维）", "公司领导", 5, 4, "supporter", "qin-feng"),
        ("yu-hang", "于航", "调度指挥中心主任", "调度指挥中心", 4, 4, "champion", "lu-yan"),
        ("shi-lei", "石磊", "值班主任", "调度指挥中心", 3, 2, "supporter", "yu-hang"),
        ("bai-xue", "白雪", "行车调度员", "调度指挥中心", 2, 1, "neutral", "shi-lei"),
        ("cui-ming", "崔明", "维修中心主任", "维修中心", 4, 4, "neutral", "lu-yan"),
        ("duan-rui", "段锐", "维修中心副主任", "维修中心", 3, 3, "neutral", "cui-ming"),
        ("meng-qi", "孟琪", "通信信号车间主任", "维修中心", 3, 3, "supporter", "cui-ming"),
        ("ren-bo", "任波", "综合监控工班长", "维修中心", 2, 2, "supporter", "meng-qi"),
        ("jia-lin", "贾琳", "综合管理部部长", "综合管理部", 4, 3, "neutral", "qin-feng"),
        ("xia-tian", "夏天", "安全质量部部长", "安全质量部", 4, 3, "skeptic", "qin-feng"),
    ],
    "acc-port-group": [
        ("lei-zhenhua", "雷振华", "董事长", "集团领导", 5, 5, "neutral", None),
        ("yan-dong", "严东", "总经理", "集团领导", 5, 5, "skeptic", "lei-zhenhua"),
        ("hu-bin", "胡斌", "副总经理（分管信息化与技术）", "集团领导", 5, 4, "neutral", "yan-dong"),
        ("ye-qing", "叶青", "总经理办公室主任", "总经理办公室", 4, 3, "neutral", "yan-dong"),
        ("jin-song", "金松", "财务总监", "财务部", 4, 4, "skeptic", "yan-dong"),
        ("zhu-hong", "朱虹", "采购与招标中心主任", "采购与招标中心", 4, 3, "neutral", "yan-dong"),
        ("xiong-wei", "熊伟", "信息中心主任", "信息中心", 4, 4, "supporter", "hu-bin"),
        ("zou-ping", "邹萍", "信息化项目经理", "信息中心", 3, 2, "supporter", "xiong-wei"),
        ("liang-chao", "梁超", "系统架构师", "信息中心", 3, 3, "neutral", "xiong-wei"),
        ("tian-ye", "田野", "集装箱码头公司总经理", "集装箱码头运营部", 4, 4, "neutral", "yan-dong"),
        ("guo-qiang", "郭强", "操作部经理", "集装箱码头运营部", 3, 3, "neutral", "tian-ye"),
        ("wei-lan", "魏岚", "调度主管", "集装箱码头运营部", 2, 2, "supporter", "guo-qiang"),
    ],
    "acc-huade-jv": [
        ("markus-hoffmann", "Markus Hoffmann", "President & CEO", "Management Board", 5, 5, "neutral", None),
        ("zhang-lihua", "张丽华 Zhang Lihua", "Executive Vice President", "Management Board", 5, 5,
         "supporter", "markus-hoffmann"),
        ("anna-schmidt", "Anna Schmidt", "Chief Financial Officer", "Finance", 5, 4, "neutral", "markus-hoffmann"),
        ("stefan-mueller", "Stefan Müller", "Head of Purchasing", "Purchasing", 4, 4, "neutral", "anna-schmidt"),
        ("wang-fang", "王芳 Wang Fang", "Purchasing Manager (Indirect)", "Purchasing", 3, 2,
         "neutral", "stefan-mueller"),
        ("klaus-weber", "Klaus Weber", "Plant Director", "Production", 5, 5, "skeptic", "markus-hoffmann"),
        ("li-xiaoming", "李晓明 Li Xiaoming", "Production Manager, Body Shop", "Production", 3, 3,
         "supporter", "klaus-weber"),
        ("peter-braun", "Peter Braun", "Maintenance Manager", "Production", 3, 3, "skeptic", "klaus-weber"),
        ("julia-wagner", "Julia Wagner", "Quality Director", "Quality", 4, 3, "neutral", "klaus-weber"),
        ("thomas-becker", "Thomas Becker", "Chief Information Officer", "IT", 5, 4, "neutral", "markus-hoffmann"),
        ("david-chen", "陈大卫 David Chen", "Head of Manufacturing IT", "IT", 4, 4, "champion", "thomas-becker"),
        ("liu-jia", "刘佳 Liu Jia", "MES Engineer", "IT", 2, 2, "supporter", "david-chen"),
    ],
    "acc-first-hospital": [
        ("su-wenhua", "苏文华", "院长", "院领导", 5, 5, "neutral", None),
        ("lv-min", "吕敏", "副院长（分管后勤与信息）", "院领导", 5, 4, "skeptic", "su-wenhua"),
        ("peng-tao", "彭涛", "信息科科长", "信息科", 4, 4, "neutral", "lv-min"),
        ("xiao-yun", "肖云", "网络工程师", "信息科", 2, 2, "supporter", "peng-tao"),
        ("kang-jian", "康健", "后勤保障处处长", "后勤保障处", 4, 3, "skeptic", "lv-min"),
        ("fu-lei", "付磊", "设备科科长", "后勤保障处", 3, 3, "supporter", "kang-jian"),
        ("qiu-li", "邱莉", "能源管理员", "后勤保障处", 2, 1, "neutral", "fu-lei"),
        ("dong-mei", "董梅", "采购中心主任", "采购中心", 4, 3, "neutral", "su-wenhua"),
        ("yao-bin", "姚斌", "医务处处长", "医务处", 4, 3, "neutral", "su-wenhua"),
        ("shao-hua", "邵华", "财务处处长", "财务处", 4, 4, "skeptic", "su-wenhua"),
    ],
    "acc-kvsc": [
        ("ahmad-rahman", "Dato' Ahmad Rahman", "Chief Executive Officer", "Executive Office", 5, 5, "neutral", None),
        ("siti-aminah", "Siti Aminah", "Chief Operating Officer", "Executive Office", 5, 4,
         "neutral", "ahmad-rahman"),
        ("sarah-lee", "Sarah Lee", "Finance Director", "Finance", 4, 4, "neutral", "ahmad-rahman"),
        ("james-wong", "James Wong", "Head of Procurement", "Procurement", 4, 3, "neutral", "siti-aminah"),
        ("raj-kumar", "Raj Kumar", "Chief Technology Officer", "Technology", 5, 5, "supporter", "ahmad-rahman"),
        ("tan-weiming", "Tan Wei Ming", "Head of Digital Platforms", "Technology", 4, 4, "champion", "raj-kumar"),
        ("lim-meiling", "Lim Mei Ling", "Solutions Architect", "Technology", 3, 3, "neutral", "tan-weiming"),
        ("daniel-ng", "Daniel Ng", "Security Architect", "Technology", 3, 2, "neutral", "raj-kumar"),
        ("farid-ismail", "Farid Ismail", "Head of City Operations", "Operations", 4, 4, "neutral", "siti-aminah"),
        ("nurul-huda", "Nurul Huda", "Operations Centre Manager", "Operations", 3, 2, "supporter", "farid-ismail"),
    ],
    "acc-water": [
        ("cheng-li", "程立", "局长", "局领导", 5, 5, "neutral", None),
        ("xu-min", "许敏", "副局长（分管信息化）", "局领导", 5, 4, "supporter", "cheng-li"),
        ("gu-wei", "顾伟", "总工程师", "局领导", 5, 4, "neutral", "cheng-li"),
        ("jiang-hui", "蒋慧", "信息中心主任", "信息中心", 4, 4, "champion", "xu-min"),
        ("wu-xia", "吴霞", "水质监测科科长", "水质监测科", 3, 3, "supporter", "gu-wei"),
        ("ding-yong", "丁勇", "计划财务处处长", "计划财务处", 4, 3, "neutral", "cheng-li"),
    ],
}
#: people a bidder may not approach during a quiet period (graphcrm.model.COMPLIANCE_ROLES): the water
#: bureau's chief engineer sits on the evaluation committee of its tender as the buyer's representative
COMPLIANCE = {"gu-wei": "evaluation_committee"}

# notes (personal data: left out by --no-pii, erased by forget)
NOTES = {
    "huang-lei": "项目线人。技术出身，认可我方平台架构；每周与我方张伟微信沟通招标进展。",
    "xu-jing": "项目线人。负责政务云对接，熟悉招标文件技术部分的起草过程。",
    "ma-xiaoli": "项目线人。了解建筑市场监管处对实名制考勤和劳务工资监管的具体需求。",
    "cao-lin": "项目线人。掌握局领导日程和党组会议题安排。",
    "yang-fan": "与华信智联合作过视频监控项目，倾向其AI识别方案。",
    "han-xue": "1号线、3号线综合监控均由现有厂商实施，她主导了当时的接口规范，担心更换平台带来兼容风险。",
    "yan-dong": "从交投集团调任，与秦峰（地铁运营分公司）是老同事。关注投资回报，对新厂商持保留态度。",
    "klaus-weber": "Ran two plants on Nordtek MES in Germany before moving to Jiangzhou; trusts their team.",
    "david-chen": "Our champion; sponsored the paint-shop energy-monitoring pilot.",
    "kang-jian": "对去年能耗监测系统的售后响应不满意。",
    "tan-weiming": "Met at the Smart City Expo in Kuala Lumpur; wants a Chinese-style city operations centre.",
}

# --------------------------------------------------------------------------
# Informal lines: (from, to, strength) — INFLUENCES and KNOWS, person keys
# --------------------------------------------------------------------------

INFLUENCES = [
    # city bureau
    ("huang-lei", "wang-jianguo", 4), ("xu-jing", "huang-lei", 3), ("wang-jianguo", "liu-hongmei", 4),
    ("liu-hongmei", "chen-guoqiang", 4), ("sun-jie", "chen-guoqiang", 3), ("cao-lin", "sun-jie", 2),
    ("zhao-wenbin", "chen-guoqiang", 3), ("yang-fan", "zhao-wenbin", 4), ("he-jun", "yang-fan", 2),
    ("zhou-pengfei", "liu-hongmei", 3), ("ma-xiaoli", "zhou-pengfei", 2), ("qian-hao", "chen-guoqiang", 3),
    ("feng-xue", "zhao-wenbin", 2), ("yang-fan", "zhou-pengfei", 2),
    # metro group
    ("tang-jun", "shen-li", 4), ("shen-li", "wu-zhiyuan", 4), ("luo-bin", "tang-jun", 3),
    ("han-xue", "luo-bin", 4), ("xie-wei", "han-xue", 2), ("kong-fanyu", "tang-jun", 3),
    ("fang-qing", "wu-zhiyuan", 3), ("jiang-tao", "fang-qing", 3), ("du-juan", "wu-zhiyuan", 2),
    ("song-ke", "wu-zhiyuan", 4), ("wu-zhiyuan", "zheng-hai", 3), ("fang-qing", "luo-bin", 2),
    # metro operations
    ("yu-hang", "lu-yan", 4), ("lu-yan", "qin-feng", 4), ("cui-ming", "lu-yan", 3), ("meng-qi", "cui-ming", 4),
    ("ren-bo", "meng-qi", 2), ("shi-lei", "yu-hang", 3), ("duan-rui", "cui-ming", 2),
    ("xia-tian", "qin-feng", 3), ("jia-lin", "qin-feng", 2), ("yu-hang", "shen-li", 3),
    # port
    ("xiong-wei", "hu-bin", 4), ("hu-bin", "yan-dong", 3), ("jin-song", "yan-dong", 4), ("ye-qing", "yan-dong", 3),
    ("tian-ye", "yan-dong", 4), ("guo-qiang", "tian-ye", 3), ("wei-lan", "guo-qiang", 2),
    ("zou-ping", "xiong-wei", 3), ("liang-chao", "xiong-wei", 3), ("zhu-hong", "jin-song", 2),
    ("yan-dong", "lei-zhenhua", 4), ("tian-ye", "hu-bin", 2),
    # joint venture
    ("klaus-weber", "markus-hoffmann", 4), ("anna-schmidt", "markus-hoffmann", 4),
    ("zhang-lihua", "markus-hoffmann", 3), ("peter-braun", "klaus-weber", 4), ("julia-wagner", "klaus-weber", 3),
    ("li-xiaoming", "klaus-weber", 3), ("david-chen", "thomas-becker", 4), ("liu-jia", "david-chen", 3),
    ("stefan-mueller", "anna-schmidt", 3), ("wang-fang", "stefan-mueller", 2), ("thomas-becker", "klaus-weber", 2),
    # hospital
    ("lv-min", "su-wenhua", 4), ("peng-tao", "lv-min", 3), ("kang-jian", "lv-min", 4), ("fu-lei", "kang-jian", 3),
    ("xiao-yun", "peng-tao", 2), ("shao-hua", "su-wenhua", 4), ("yao-bin", "su-wenhua", 3),
    ("dong-mei", "shao-hua", 2),
    # Malaysia
    ("raj-kumar", "ahmad-rahman", 4), ("siti-aminah", "ahmad-rahman", 4), ("sarah-lee", "ahmad-rahman", 4),
    ("tan-weiming", "raj-kumar", 4), ("lim-meiling", "tan-weiming", 3), ("daniel-ng", "raj-kumar", 3),
    ("farid-ismail", "siti-aminah", 3), ("nurul-huda", "farid-ismail", 3), ("james-wong", "sarah-lee", 2),
    ("farid-ismail", "raj-kumar", 2),
]

KNOWS = [
    # within accounts
    ("huang-lei", "ma-xiaoli", 3), ("xu-jing", "lin-qiu", 3), ("cao-lin", "deng-yu", 2),
    ("xie-wei", "jiang-tao", 3), ("pan-yi", "kong-fanyu", 2), ("shi-lei", "ren-bo", 3),
    ("zou-ping", "wei-lan", 3), ("liu-jia", "li-xiaoming", 3), ("xiao-yun", "qiu-li", 2),
    ("lim-meiling", "daniel-ng", 4), ("nurul-huda", "tan-weiming", 2),
    # across accounts: former colleagues, classmates, city circles
    ("wang-jianguo", "fang-qing", 4),   # both came from the city big-data bureau
    ("yan-dong", "qin-feng", 4),        # former colleagues at the transport investment group
    ("hu-bin", "luo-bin", 3),           # university classmates
    ("david-chen", "liang-chao", 3),    # former colleagues
    ("peng-tao", "huang-lei", 3),       # city e-government working group
    ("su-wenhua", "chen-guoqiang", 2),
    ("chen-guoqiang", "zheng-hai", 3),
    ("tan-weiming", "david-chen", 2),   # met at an industry conference
]

# --------------------------------------------------------------------------
# Our team
# --------------------------------------------------------------------------

# id, username, display_name, role, title, language of the weekly digest (sent to username@example.com)
USERS = [
    ("u-admin", "admin", "系统管理员 Admin", "admin", "IT管理员", "zh"),
    ("u-director", "director", "周明 Zhou Ming", "director", "销售总监", "zh"),
    ("u-lina", "lina", "李娜 Li Na", "manager", "大客户经理（轨道交通）", "en"),
    ("u-zhangwei", "zhangwei", "张伟 Zhang Wei", "manager", "大客户经理（政府与公共事业）", "zh"),
    ("u-liuyang", "liuyang", "刘洋 Liu Yang", "manager", "大客户经理（合资与海外）", "en"),
    ("u-sunli", "sunli", "孙丽 Sun Li", "bid", "投标经理", "zh"),
    ("u-gaofeng", "gaofeng", "高峰 Gao Feng", "bid", "解决方案架构师", "zh"),
    ("u-viewer", "viewer", "王小雨 Wang Xiaoyu", "viewer", "销售运营专员", "zh"),
]

# user, account or opportunity, team_role
MEMBERS = [
    ("u-director", "acc-metro-group", "executive sponsor"),
    ("u-director", "acc-citybureau", "executive sponsor"),
    ("u-lina", "acc-metro-group", "account manager"),
    ("u-lina", "acc-metro-ops", "account manager"),
    ("u-lina", "opp-metro-line4", "sales lead"),
    ("u-lina", "opp-metro-line2-upgrade", "sales lead"),
    ("u-lina", "opp-metro-ops-om", "sales lead"),
    ("u-zhangwei", "acc-citybureau", "account manager"),
    ("u-zhangwei", "acc-port-group", "account manager"),
    ("u-zhangwei", "acc-first-hospital", "account manager"),
    ("u-zhangwei", "opp-citybureau-smartsite", "sales lead"),
    ("u-zhangwei", "opp-citybureau-archive", "sales lead"),
    ("u-zhangwei", "opp-port-tos", "sales lead"),
    ("u-zhangwei", "opp-hospital-logistics", "sales lead"),
    ("u-liuyang", "acc-huade-jv", "account manager"),
    ("u-liuyang", "acc-kvsc", "account manager"),
    ("u-liuyang", "opp-huade-mes", "sales lead"),
    ("u-liuyang", "opp-kvsc-ioc", "sales lead"),
    ("u-sunli", "opp-citybureau-smartsite", "bid manager"),
    ("u-sunli", "opp-metro-line4", "bid manager"),
    ("u-sunli", "opp-metro-ops-om", "bid manager"),
    ("u-sunli", "opp-huade-mes", "bid manager"),
    ("u-sunli", "opp-hospital-logistics", "bid manager"),
    ("u-gaofeng", "opp-citybureau-smartsite", "solution architect"),
    ("u-gaofeng", "opp-metro-line4", "solution architect"),
    ("u-gaofeng", "opp-port-tos", "solution architect"),
    ("u-gaofeng", "opp-kvsc-ioc", "solution architect"),
    ("u-viewer", "acc-citybureau", "observer"),
    ("u-zhangwei", "acc-water", "account manager"),
    ("u-zhangwei", "opp-water-monitor", "sales lead"),
    ("u-sunli", "opp-water-monitor", "bid manager"),
]

# Our coverage: user, person key, strength, since (years ago), days since the last
# routine contact (None: contact only through the scripted EVENTS below).
# Routine contacts: strength - 1 of them (at least one), every 7 to 16 weeks back from there.
RELATIONSHIPS = [
    # city bureau: multi-threaded
    ("u-zhangwei", "liu-hongmei", 4, 3, 6), ("u-zhangwei", "wang-jianguo", 5, 5, 3),
    ("u-zhangwei", "huang-lei", 5, 4, 2), ("u-zhangwei", "xu-jing", 3, 2, 9),
    ("u-zhangwei", "zhou-pengfei", 3, 2, 20), ("u-zhangwei", "ma-xiaoli", 4, 1.5, 5),
    ("u-zhangwei", "sun-jie", 3, 3, 14), ("u-zhangwei", "cao-lin", 3, 2, 11),
    ("u-zhangwei", "qian-hao", 2, 2, 75), ("u-zhangwei", "yang-fan", 2, 1, 130),
    ("u-director", "chen-guoqiang", 3, 4, 45), ("u-director", "liu-hongmei", 3, 3, 30),
    ("u-gaofeng", "wang-jianguo", 4, 3, 8), ("u-gaofeng", "huang-lei", 3, 3, 12),
    ("u-gaofeng", "xu-jing", 4, 2, 4), ("u-gaofeng", "lin-qiu", 2, 1, 60),
    ("u-sunli", "deng-yu", 2, 1, 40), ("u-sunli", "sun-jie", 2, 1, 25),
    # metro group: line 4 rests on Li Na alone
    ("u-lina", "wu-zhiyuan", 4, 5, 10), ("u-lina", "shen-li", 4, 4, 7), ("u-lina", "tang-jun", 5, 6, 2),
    ("u-lina", "luo-bin", 3, 3, 15), ("u-lina", "du-juan", 3, 3, 35), ("u-lina", "kong-fanyu", 3, 2, 21),
    ("u-lina", "zheng-hai", 3, 5, 50), ("u-lina", "han-xue", 1, 0.5, None), ("u-lina", "xie-wei", 2, 1, None),
    ("u-director", "zheng-hai", 4, 6, 40), ("u-director", "wu-zhiyuan", 2, 3, None),
    ("u-director", "qin-feng", 2, 3, None),
    ("u-gaofeng", "xie-wei", 2, 1, 30), ("u-gaofeng", "luo-bin", 2, 0.5, None),
    ("u-gaofeng", "han-xue", 1, 0.5, None), ("u-sunli", "pan-yi", 2, 1, 45),
    # metro operations
    ("u-lina", "qin-feng", 4, 5, 25), ("u-lina", "lu-yan", 4, 4, 18), ("u-lina", "yu-hang", 4, 3, 12),
    ("u-lina", "cui-ming", 3, 3, 60), ("u-lina", "meng-qi", 3, 2, 40), ("u-lina", "jia-lin", 3, 3, 90),
    ("u-gaofeng", "meng-qi", 2, 1, 55), ("u-gaofeng", "ren-bo", 3, 1, 100), ("u-sunli", "jia-lin", 2, 2, 200),
    # port: nobody knows the general manager 严东
    ("u-zhangwei", "hu-bin", 2, 0.5, 110), ("u-zhangwei", "xiong-wei", 4, 1, 16),
    ("u-zhangwei", "zou-ping", 4, 1, 20), ("u-zhangwei", "tian-ye", 2, 0.5, 120),
    ("u-zhangwei", "ye-qing", 2, 0.5, 50), ("u-zhangwei", "liang-chao", 2, 0.5, None),
    ("u-gaofeng", "liang-chao", 4, 2, 22), ("u-gaofeng", "xiong-wei", 3, 1, 30),
    ("u-gaofeng", "hu-bin", 1, 0.3, None), ("u-director", "lei-zhenhua", 2, 0.5, None),
    # joint venture: weak at the plant director
    ("u-liuyang", "zhang-lihua", 4, 2, 9), ("u-liuyang", "david-chen", 5, 2, 4),
    ("u-liuyang", "thomas-becker", 3, 1, 40), ("u-liuyang", "li-xiaoming", 3, 1, 27),
    ("u-liuyang", "liu-jia", 4, 1, 3), ("u-liuyang", "klaus-weber", 2, 1, 80),
    ("u-liuyang", "peter-braun", 1, 0.5, None), ("u-liuyang", "stefan-mueller", 3, 1, 13),
    ("u-liuyang", "anna-schmidt", 2, 1, 55), ("u-sunli", "wang-fang", 3, 1, 30),
    ("u-director", "markus-hoffmann", 2, 2, 80),
    # hospital: everything stale
    ("u-zhangwei", "peng-tao", 3, 4, 110), ("u-zhangwei", "kang-jian", 3, 4, 175),
    ("u-zhangwei", "fu-lei", 3, 3, 95), ("u-zhangwei", "lv-min", 2, 3, 200),
    ("u-zhangwei", "xiao-yun", 2, 2, 140), ("u-sunli", "dong-mei", 2, 1, 170),
    # Malaysia: new relationships
    ("u-liuyang", "raj-kumar", 3, 0.4, 40), ("u-liuyang", "tan-weiming", 4, 0.4, 8),
    ("u-liuyang", "lim-meiling", 3, 0.3, 17), ("u-liuyang", "farid-ismail", 2, 0.3, 64),
    ("u-gaofeng", "lim-meiling", 3, 0.3, 30), ("u-gaofeng", "raj-kumar", 2, 0.3, None),
    ("u-gaofeng", "daniel-ng", 2, 0.2, 44), ("u-director", "ahmad-rahman", 2, 0.3, None),
    # water bureau: the chief engineer met only at scripted events (none in the quiet period but the
    # formal clarification meeting)
    ("u-zhangwei", "xu-min", 4, 2, 12), ("u-zhangwei", "jiang-hui", 5, 3, 5), ("u-zhangwei", "gu-wei", 2, 2, None),
    ("u-zhangwei", "wu-xia", 3, 1, 20), ("u-zhangwei", "cheng-li", 3, 1, 60), ("u-sunli", "ding-yong", 2, 1, 30),
]

# --------------------------------------------------------------------------
# Opportunities, buying centers, competitors
# --------------------------------------------------------------------------

# id, account, name, value, currency, stage, close date (days from today), decision criteria,
# short topic (zh, en) used in interaction summaries
OPPORTUNITIES = [
    ("opp-citybureau-smartsite", "acc-citybureau", "江州市智慧工地监管平台及CIM基础平台建设项目",
     68_500_000, "CNY", "tender", 45,
     "综合评分法：技术60分（平台架构、BIM/CIM集成、信创适配）、商务20分、价格20分；"
     "要求本地化服务团队、等保三级和政务云部署。",
     "智慧工地监管平台", "the smart-site platform"),
    ("opp-citybureau-archive", "acc-citybureau", "城建档案数字化及管理系统（一期）",
     6_800_000, "CNY", "won", -300, "最低评标价法；要求三个月内完成百万卷档案数字化。",
     "城建档案数字化", "the archive digitisation"),
    ("opp-metro-line4", "acc-metro-group", "4号线综合监控系统（ISCS）集成项目",
     126_000_000, "CNY", "pre_bid", 120,
     "技术评审优先：与既有线网综合监控的兼容性、国产化率、全生命周期成本；业绩要求两条以上地铁线路。",
     "4号线综合监控", "Line 4 ISCS"),
    ("opp-metro-line2-upgrade", "acc-metro-group", "2号线信号与综合监控系统改造", 38_000_000, "CNY", "won", -240,
     "不停运改造方案、工期、同类改造业绩。", "2号线改造", "the Line 2 upgrade"),
    ("opp-metro-ops-om", "acc-metro-ops", "线网综合监控三年运维服务续约", 9_600_000, "CNY", "submitted", 20,
     "服务响应时间、驻场人员资质、备件库、价格。", "运维服务续约", "the O&M renewal"),
    ("opp-port-tos", "acc-port-group", "集装箱码头智能化改造（TOS与自动化闸口）", 82_000_000, "CNY", "qualify", 200,
     "投资回报周期、码头不停产切换、港口行业案例；需总经理办公会立项。",
     "码头智能化改造", "the terminal automation"),
    ("opp-huade-mes", "acc-huade-jv",
     "Huade Jiangzhou Plant MES & Industrial IoT Platform 华德江州工厂MES与工业物联网平台",
     36_000_000, "CNY", "evaluation", 25,
     "Automotive references, SAP integration, on-premise deployment, German group IT security standard, "
     "TCO over 5 years.",
     "MES项目", "the MES project"),
    ("opp-hospital-logistics", "acc-first-hospital", "智慧后勤一体化管理平台", 7_200_000, "CNY", "lost", -100,
     "综合评分法：技术50分、价格40分、服务10分；重视售后响应。", "智慧后勤平台", "the smart logistics platform"),
    ("opp-kvsc-ioc", "acc-kvsc", "Klang Valley Integrated Operations Centre (IOC)", 14_500_000, "USD", "lead", 300,
     "Integration of traffic, flood and CCTV systems; local partner; financing model still open.",
     "IOC项目", "the IOC"),
    ("opp-water-monitor", "acc-water", "江州市智慧水务监测预警平台建设项目", 24_000_000, "CNY", "tender", 30,
     "综合评分法：技术55分、商务15分、价格30分；要求水质在线监测与管网漏损分析一体化、政务云部署。",
     "智慧水务平台", "the smart-water platform"),
]
#: opportunity -> days ago its quiet period began (the tender's publication); it lasts until the award
QUIET_PERIODS = {"opp-water-monitor": 10}

# opportunity -> (person key, role, influence, stance); influence/stance None: the person's own
BUYING_CENTERS = {
    "opp-citybureau-smartsite": [
        ("chen-guoqiang", "economic_buyer", 5, "neutral"), ("liu-hongmei", "decision_maker", 5, "supporter"),
        ("wang-jianguo", "technical_buyer", 4, "supporter"), ("zhou-pengfei", "user_buyer", 4, "neutral"),
        ("yang-fan", "influencer", 4, "skeptic"), ("zhao-wenbin", "influencer", 4, "neutral"),
        ("qian-hao", "procurement", 3, "neutral"), ("sun-jie", "gatekeeper", 3, "neutral"),
        ("huang-lei", "coach", 3, "champion"), ("xu-jing", "coach", 2, "supporter"),
        ("ma-xiaoli", "coach", 2, "supporter"), ("cao-lin", "coach", 2, "supporter"),
    ],
    "opp-citybureau-archive": [
        ("liu-hongmei", "economic_buyer", 5, "supporter"), ("wang-jianguo", "decision_maker", 4, "supporter"),
        ("huang-lei", "technical_buyer", 3, "champion"), ("feng-xue", "user_buyer", 4, "supporter"),
        ("deng-yu", "procurement", 2, "neutral"),
    ],
    "opp-metro-line4": [
        ("wu-zhiyuan", "economic_buyer", 5, "neutral"), ("shen-li", "decision_maker", 5, "supporter"),
        ("luo-bin", "technical_buyer", 4, "neutral"), ("yu-hang", "user_buyer", 3, "champion"),
        ("tang-jun", "champion", 4, "champion"), ("han-xue", "blocker", 4, "opponent"),
        ("fang-qing", "influencer", 3, "neutral"), ("du-juan", "procurement", 3, "neutral"),
    ],
    "opp-metro-line2-upgrade": [
        ("qin-feng", "economic_buyer", 5, "supporter"), ("lu-yan", "decision_maker", 4, "supporter"),
        ("cui-ming", "technical_buyer", 4, "neutral"), ("yu-hang", "user_buyer", 4, "champion"),
        ("meng-qi", "champion", 3, "supporter"), ("jia-lin", "procurement", 3, "neutral"),
    ],
    "opp-metro-ops-om": [
        ("lu-yan", "economic_buyer", 4, "supporter"), ("cui-ming", "decision_maker", 4, "neutral"),
        ("meng-qi", "technical_buyer", 3, "supporter"), ("ren-bo", "user_buyer", 2, "supporter"),
        ("jia-lin", "procurement", 3, "neutral"), ("duan-rui", "influencer", 3, "neutral"),
    ],
    "opp-port-tos": [
        ("yan-dong", "economic_buyer", 5, "skeptic"), ("hu-bin", "decision_maker", 4, "neutral"),
        ("xiong-wei", "technical_buyer", 4, "supporter"), ("tian-ye", "user_buyer", 4, "neutral"),
        ("zou-ping", "coach", 2, "supporter"), ("zhu-hong", "procurement", 3, "neutral"),
        ("jin-song", "influencer", 4, "skeptic"), ("ye-qing", "gatekeeper", 3, "neutral"),
    ],
    "opp-huade-mes": [
        ("anna-schmidt", "economic_buyer", 4, "neutral"), ("klaus-weber", "decision_maker", 5, "skeptic"),
        ("thomas-becker", "technical_buyer", 4, "neutral"), ("li-xiaoming", "user_buyer", 3, "supporter"),
        ("david-chen", "champion", 4, "champion"), ("liu-jia", "coach", 2, "supporter"),
        ("stefan-mueller", "procurement", 4, "neutral"), ("peter-braun", "influencer", 3, "skeptic"),
        ("julia-wagner", "influencer", 3, "neutral"),
    ],
    "opp-hospital-logistics": [
        ("su-wenhua", "economic_buyer", 5, "neutral"), ("lv-min", "decision_maker", 4, "skeptic"),
        ("peng-tao", "technical_buyer", 4, "neutral"), ("kang-jian", "user_buyer", 4, "skeptic"),
        ("dong-mei", "procurement", 3, "neutral"), ("shao-hua", "influencer", 3, "skeptic"),
    ],
    # no economic buyer identified yet: who owns the budget is still open
    "opp-kvsc-ioc": [
        ("raj-kumar", "decision_maker", 5, "supporter"), ("tan-weiming", "champion", 4, "champion"),
        ("lim-meiling", "technical_buyer", 3, "neutral"), ("farid-ismail", "user_buyer", 4, "neutral"),
        ("james-wong", "procurement", 3, "neutral"), ("daniel-ng", "influencer", 2, "neutral"),
    ],
    "opp-water-monitor": [
        ("cheng-li", "economic_buyer", 5, "neutral"), ("xu-min", "decision_maker", 4, "supporter"),
        ("gu-wei", "technical_buyer", 4, "neutral"), ("jiang-hui", "champion", 4, "champion"),
        ("wu-xia", "user_buyer", 3, "supporter"), ("ding-yong", "procurement", 3, "neutral"),
    ],
}

COMPETITORS = [
    ("comp-huaxin", "华信智联科技股份有限公司"),
    ("comp-dongfang", "东方数科集团"),
    ("comp-nordtek", "Nordtek Automation GmbH"),
    ("comp-meridian", "Meridian Smart Systems Pte Ltd"),
]
COMPETES_FOR = [
    ("comp-huaxin", "opp-citybureau-smartsite"), ("comp-huaxin", "opp-metro-line4"),
    ("comp-huaxin", "opp-metro-line2-upgrade"), ("comp-dongfang", "opp-citybureau-smartsite"),
    ("comp-dongfang", "opp-port-tos"), ("comp-dongfang", "opp-hospital-logistics"),
    ("comp-dongfang", "opp-huade-mes"), ("comp-nordtek", "opp-huade-mes"), ("comp-nordtek", "opp-port-tos"),
    ("comp-meridian", "opp-kvsc-ioc"), ("comp-huaxin", "opp-water-monitor"),
]
# competitor, person key, strength
COMPETITOR_RELATIONSHIPS = [
    ("comp-huaxin", "yang-fan", 4), ("comp-huaxin", "zhao-wenbin", 4), ("comp-huaxin", "chen-guoqiang", 3),
    ("comp-huaxin", "han-xue", 5), ("comp-huaxin", "luo-bin", 3),
    ("comp-dongfang", "qian-hao", 3), ("comp-dongfang", "yan-dong", 4), ("comp-dongfang", "hu-bin", 3),
    ("comp-dongfang", "lv-min", 4), ("comp-dongfang", "kang-jian", 4), ("comp-dongfang", "su-wenhua", 3),
    ("comp-nordtek", "klaus-weber", 5), ("comp-nordtek", "peter-braun", 4), ("comp-nordtek", "julia-wagner", 3),
    ("comp-nordtek", "tian-ye", 2),
    ("comp-meridian", "ahmad-rahman", 4), ("comp-meridian", "siti-aminah", 3),
]

# --------------------------------------------------------------------------
# Scripted interactions (the plot); routine contacts are generated from RELATIONSHIPS.
# days ago, UTC hour, kind, channel, users, person keys, opportunity, sentiment, satisfaction, summary
# --------------------------------------------------------------------------

EVENTS = [
    # city bureau
    (340, 2, "visit", "in_person", ("u-director",), ("chen-guoqiang",), None, 1, None,
     "年度走访陈局长：介绍我司在城市更新和智慧建造领域的能力，陈局长提到明年将启动智慧工地监管平台建设。"),
    (300, 2, "feedback", "in_person", ("u-zhangwei",), ("wang-jianguo",), "opp-citybureau-archive", 2, 8,
     "城建档案数字化一期验收回访：王主任对数据迁移质量满意，希望二期增加移动端查询。"),
    (62, 6, "event", "event", ("u-director", "u-zhangwei"), ("liu-hongmei",), "opp-citybureau-smartsite", 1, None,
     "邀请刘副局长参加智慧建造现场观摩会，参观我司承建的样板工地，介绍智慧工地监管平台方案。"),
    (38, 2, "meeting", "in_person", ("u-zhangwei", "u-gaofeng"), ("wang-jianguo", "huang-lei", "xu-jing"),
     "opp-citybureau-smartsite", 1, None,
     "信息中心需求交流会：CIM基础平台需与市政务云对接，要求信创适配（国产数据库与操作系统）。"),
    (21, 11, "wechat", "wechat", ("u-zhangwei",), ("ma-xiaoli",), "opp-citybureau-smartsite", 1, None,
     "马晓丽透露：建筑市场监管处希望把实名制考勤和劳务工资监管纳入评分项。"),
    (16, 9, "call", "phone", ("u-zhangwei",), ("cao-lin",), "opp-citybureau-smartsite", 1, None,
     "曹琳告知：局党组会下周讨论招标文件，陈局长关注资金来源和本地化服务能力。"),
    (12, 12, "wechat", "wechat", ("u-zhangwei",), ("huang-lei",), "opp-citybureau-smartsite", -1, None,
     "黄磊提醒：华信智联已多次拜访质安站杨站长，主推视频AI监管方案，建议我方加强与质安站的沟通。"),
    (7, 6, "meeting", "video", ("u-sunli", "u-zhangwei"), ("sun-jie",), "opp-citybureau-smartsite", 0, None,
     "招标文件答疑：确认投标截止时间、现场踏勘安排和联合体要求。"),
    # metro group and operations
    (330, 2, "meeting", "in_person", ("u-director", "u-lina"), ("zheng-hai",), None, 2, None,
     "战略合作年度高层会晤：郑董事长肯定双方合作，希望我方参与后续新线建设。"),
    (280, 6, "meeting", "in_person", ("u-lina",), ("qin-feng",), "opp-metro-line2-upgrade", 1, None,
     "与秦总确认2号线改造的夜间施工窗口和不停运切换方案。"),
    (240, 6, "event", "event", ("u-director", "u-lina"), ("zheng-hai", "wu-zhiyuan"), "opp-metro-line2-upgrade",
     2, None, "2号线改造项目签约仪式，郑董事长、吴总经理出席，双方表示将深化战略合作。"),
    (240, 7, "event", "event", ("u-director",), ("qin-feng",), "opp-metro-line2-upgrade", 1, None,
     "签约仪式后与运营分公司秦总交流改造期间的运营保障安排。"),
    (230, 2, "feedback", "in_person", ("u-director",), ("zheng-hai",), "opp-metro-line2-upgrade", 2, 9,
     "签约后高层回访：郑董事长对2号线改造的推进节奏满意，表示愿意向兄弟城市推荐我方。"),
    (160, 6, "feedback", "in_person", ("u-lina",), ("wu-zhiyuan",), "opp-metro-line2-upgrade", 2, 10,
     "2号线改造阶段验收回访：吴总评价改造期间运营零中断，同意作为标杆案例接待同行参观。"),
    (90, 3, "feedback", "phone", ("u-lina",), ("tang-jun",), None, 1, 9,
     "季度满意度回访：唐主任对项目管理和交付文档质量满意。"),
    (5, 8, "feedback", "wechat", ("u-lina",), ("shen-li",), "opp-metro-line2-upgrade", 2, 9,
     "沈总参观后反馈：2号线改造效果超出预期，支持4号线沿用同一技术路线。"),
    (330, 6, "feedback", "in_person", ("u-lina",), ("lu-yan",), None, 2, 9,
     "线网综合监控运维年度回访：陆总对全年运维服务表示满意，希望续约后保持驻场团队稳定。"),
    (250, 7, "feedback", "phone", ("u-lina",), ("cui-ming",), None, 1, 8,
     "维修中心半年回访：备件供应基本及时，希望加强夜间抢修支持。"),
    (200, 3, "feedback", "in_person", ("u-lina",), ("yu-hang",), "opp-metro-line2-upgrade", 2, 9,
     "2号线综合监控改造上线三个月回访：调度员满意度高，报警误报率明显下降。"),
    (120, 7, "feedback", "phone", ("u-lina",), ("cui-ming",), None, 0, 6,
     "维修中心季度满意度回访：备件响应时间偏长，希望驻场工程师增加到3人。"),
    (45, 2, "meeting", "in_person", ("u-lina",), ("lu-yan", "cui-ming"), "opp-metro-ops-om", 1, None,
     "运维服务续约沟通：陆总认可过去一年的服务，要求续约报价包含备件库。"),
    (28, 6, "meeting", "in_person", ("u-lina", "u-gaofeng"), ("luo-bin", "han-xue", "xie-wei"), "opp-metro-line4",
     -1, None,
     "4号线ISCS技术交流：韩雪坚持沿用现有厂商的集成平台架构，质疑我方方案与既有线路的兼容性；"
     "罗部长要求两周内提交兼容性论证。"),
    (20, 2, "feedback", "phone", ("u-lina",), ("meng-qi",), "opp-metro-ops-om", -1, 4,
     "通信信号车间反馈：上月两次信号设备故障，驻场工程师到场都超过4小时，车间对运维服务很不满意。"),
    (14, 3, "visit", "in_person", ("u-lina",), ("tang-jun",), "opp-metro-line4", 2, None,
     "拜访唐主任：同意在集团内部推动我方方案进入短名单，建议尽快安排沈总到2号线现场参观。"),
    (6, 2, "visit", "in_person", ("u-lina",), ("shen-li", "yu-hang"), "opp-metro-line4", 1, None,
     "陪同沈总参观2号线改造后的调度指挥中心，于主任介绍了上线后的运营效果。"),
    # port
    (150, 5, "event", "event", ("u-director",), ("lei-zhenhua",), None, 0, None,
     "智慧港口论坛上与雷董事长简短交流，交换名片。"),
    (70, 2, "meeting", "in_person", ("u-zhangwei", "u-gaofeng"), ("hu-bin", "xiong-wei", "liang-chao"),
     "opp-port-tos", 0, None,
     "码头智能化改造初步交流：胡总表示项目需总经理办公会立项，严总对投资回报有疑虑。"),
    (6, 10, "wechat", "wechat", ("u-zhangwei",), ("zou-ping",), "opp-port-tos", 0, None,
     "邹萍提示：严总更认可东方数科在外港的案例，建议找能与严总说上话的人引荐。"),
    # joint venture
    (320, 3, "meeting", "in_person", ("u-liuyang",), ("zhang-lihua",), None, 1, None,
     "First meeting with EVP Zhang Lihua: Huade plans a digital-factory programme for the Jiangzhou plant."),
    (60, 7, "feedback", "video", ("u-liuyang",), ("david-chen",), None, 1, 7,
     "Feedback on the paint-shop energy-monitoring pilot: data quality good; dashboards need a German/English/"
     "Chinese language switch."),
    (33, 2, "meeting", "in_person", ("u-liuyang",), ("klaus-weber", "peter-braun"), "opp-huade-mes", -1, None,
     "Plant walk-through with Klaus Weber: he questioned our automotive references and praised the Nordtek MES "
     "running in the group's German plants."),
    (19, 8, "meeting", "video", ("u-liuyang",), ("thomas-becker", "david-chen"), "opp-huade-mes", 1, None,
     "Technical clarification with IT: SAP interface, shop-floor PLC network; Thomas asked for on-premise deployment."),
    (11, 6, "email", "email", ("u-sunli",), ("wang-fang",), "opp-huade-mes", 0, None,
     "Sent the commercial clarification requested by purchasing (payment terms, warranty, spare parts)."),
    # hospital
    (270, 3, "feedback", "in_person", ("u-zhangwei",), ("peng-tao",), None, 1, 7,
     "能耗监测系统上线回访：彭科长认可系统功能，希望加强培训和驻场支持。"),
    (160, 6, "feedback", "phone", ("u-zhangwei",), ("kang-jian",), None, -1, 4,
     "能耗监测系统年度回访：康处长反映报表数据不准、驻场响应慢，表示新平台会慎重选择供应商。"),
    (130, 3, "feedback", "wechat", ("u-zhangwei",), ("fu-lei",), None, -1, 3,
     "付科长反馈：冷站群控系统两次故障未及时处理，科室意见较大。"),
    (102, 8, "email", "email", ("u-sunli",), ("dong-mei",), "opp-hospital-logistics", -2, None,
     "收到中标结果通知：智慧后勤一体化平台由东方数科中标，我方技术分排名第二、价格分偏低。"),
    # Malaysia
    (95, 4, "event", "event", ("u-director",), ("ahmad-rahman",), None, 1, None,
     "Met Dato' Ahmad at the Smart City Expo in Kuala Lumpur; presented our Jiangzhou city-operations references."),
    (95, 5, "event", "event", ("u-liuyang",), ("tan-weiming",), None, 1, None,
     "Smart City Expo Kuala Lumpur: Tan Wei Ming visited our booth, interested in an integrated operations centre."),
    (26, 6, "meeting", "video", ("u-liuyang", "u-gaofeng"), ("raj-kumar", "lim-meiling"), "opp-kvsc-ioc", 1, None,
     "IOC scoping call with the CTO: data integration from traffic, flood and CCTV systems; the budget owner is "
     "not clear yet, Raj said funding may come from the state government."),
    # water bureau: hospitality before the tender, then only the formal clarification meeting
    (45, 10, "event", "in_person", ("u-zhangwei",), ("gu-wei",), "opp-water-monitor", 1, None,
     "水务信息化研讨会后工作餐：顾总工介绍管网漏损监测的难点。"),
    (30, 6, "visit", "in_person", ("u-zhangwei",), ("gu-wei",), "opp-water-monitor", 1, None,
     "拜访顾总工，介绍水质在线监测方案，赠送公司年会纪念品。"),
    (3, 2, "clarification", "in_person", ("u-zhangwei",), ("gu-wei",), "opp-water-monitor", 0, None,
     "招标文件澄清会：顾总工代表招标人答复各投标人关于水质监测点位的提问。"),
    (16, 3, "meeting", "in_person", ("u-zhangwei",), ("jiang-hui", "wu-xia"), "opp-water-monitor", 1, None,
     "信息中心需求交流：水质监测与管网漏损分析需在一个平台上，蒋主任支持我方方案。"),
]
#: what scripted events recorded beside their summary: (person key, days ago) -> gifts and
#: hospitality, and the reason of a meeting in a quiet period, with the flags the store's rule
#: (graphcrm/compliance.py) gives them at the default limit of 500 CNY a year
EVENT_COMPLIANCE = {
    ("gu-wei", 45): {"gift_description": "工作餐（招待）", "gift_value": 380.0, "gift_currency": "CNY"},
    ("gu-wei", 30): {"gift_description": "公司年会纪念品", "gift_value": 260.0, "gift_currency": "CNY",
                     "gift_limit_flag": True},
    ("gu-wei", 3): {"compliance_reason": "招标人组织的正式澄清会，全体投标人参加，有会议纪要",
                    "quiet_period_flag": True},
}

#: the follow-ups of the feedback that calls for one (graphcrm.model.opens_follow_up):
#: (person key, days ago of the feedback) -> (owner, the interaction that answered it as
#: (person keys, days ago), or None: still open); due FOLLOW_UP_DAYS after the feedback
FOLLOW_UPS = {
    ("cui-ming", 120): ("u-lina", (("lu-yan", "cui-ming"), 45)),  # answered at the renewal meeting
    ("meng-qi", 20): ("u-lina", None),  # the signal workshop's complaint: unanswered
    ("kang-jian", 160): ("u-zhangwei", None),
    ("fu-lei", 130): ("u-zhangwei", None),
}

# summary templates for routine contacts
_SUBJECTS = {
    "zh": (["介绍{topic}方案要点", "了解{topic}的预算与立项进度", "确认{topic}的时间安排",
            "交流{topic}的评分办法和技术要求", "听取对{topic}竞争格局的看法", "跟进{topic}下一步工作"],
           ["例行沟通，了解近期工作重点", "交流行业政策与信息化规划", "回访在用系统运行情况",
            "分享我司近期同类项目案例"]),
    "en": (["walked through our approach for {topic}", "discussed budget and approval status of {topic}",
            "confirmed the timeline for {topic}", "reviewed the evaluation criteria for {topic}",
            "asked about the competitive landscape for {topic}", "agreed next steps on {topic}"],
           ["regular catch-up on current priorities", "exchanged views on digital-transformation plans",
            "checked how the installed systems are running", "shared our latest reference projects"]),
}
_SENTENCES = {
    "zh": {"visit": "拜访{name}，{subject}。", "meeting": "与{name}会谈，{subject}。",
           "call": "与{name}电话沟通，{subject}。", "wechat": "微信联系{name}，{subject}。",
           "email": "邮件联系{name}，{subject}。"},
    "en": {"visit": "Visited {name}: {subject}.", "meeting": "Meeting with {name}: {subject}.",
           "call": "Call with {name}: {subject}.", "wechat": "WeChat with {name}: {subject}.",
           "email": "Email to {name}: {subject}."},
}
_CONTACT_MODES = {  # (kind, channel) by closeness and language
    ("close", "zh"): [("visit", "in_person"), ("wechat", "wechat"), ("call", "phone"), ("meeting", "in_person")],
    ("loose", "zh"): [("call", "phone"), ("wechat", "wechat"), ("email", "email")],
    ("close", "en"): [("meeting", "in_person"), ("meeting", "video"), ("call", "phone"), ("visit", "in_person")],
    ("loose", "en"): [("email", "email"), ("call", "phone"), ("meeting", "video")],
}
_STANCE_MOOD = {"champion": 1, "supporter": 1, "neutral": 0, "skeptic": -1, "opponent": -2}

# --------------------------------------------------------------------------
# Building the portfolio
# --------------------------------------------------------------------------


@dataclass
class _Draft:
    days: int
    hour: int
    minute: int
    kind: str
    channel: str
    users: tuple
    persons: tuple
    opportunity: str | None
    sentiment: int
    satisfaction: int | None
    summary: str


def _rng(*key) -> random.Random:
    return random.Random(":".join((_SEED, *map(str, key))))


def _pid(key: str) -> str:
    return "p-" + key


def _compact(props: dict) -> dict:
    return {k: v for k, v in props.items() if v is not None}


def demo_portfolio(
    today: date | None = None,
) -> tuple[list[tuple[str, dict]], list[tuple[str, str, str, dict]]]:
    """The demo portfolio: nodes as (label, props) with props["id"] set;
    relationships as (type, start_id, end_id, props).

    Identical on every call but for dates, which are relative to ``today``
    (default: the current date).
    """
    today = today or date.today()

    def day(offset_days: float) -> str:
        """The date ``offset_days`` before today (negative: after)."""
        return (today - timedelta(days=int(offset_days))).isoformat()

    def stamp(days: int, hour: int, minute: int) -> str:
        at = datetime.combine(today - timedelta(days=days), time(hour, minute), tzinfo=timezone.utc)
        return at.isoformat()

    nodes: list[tuple[str, dict]] = []
    rels: list[tuple[str, str, str, dict]] = []
    account_of: dict[str, str] = {}
    person: dict[str, dict] = {}
    language = {}

    for (acc_id, name, industry, region, segment, tier, lifecycle, annual, potential,
         domain, phone_prefix, lang) in ACCOUNTS:
        language[acc_id] = lang
        nodes.append(("Account", {
            "id": acc_id, "name": name, "industry": industry, "region": region, "segment": segment,
            "tier": tier, "lifecycle": lifecycle, "annual_value": float(annual), "potential_value": float(potential),
        }))
        for key, pname, title, department, seniority, influence, stance, manager in PEOPLE[acc_id]:
            rng = _rng("person", key)
            props = _compact({
                "id": _pid(key), "name": pname, "title": title, "department": department,
                "seniority": seniority, "influence": influence, "stance": stance,
                "email": f"{key.replace('-', '.')}@{domain}",
                "phone": f"{phone_prefix}{rng.randint(0, 9)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                "notes": NOTES.get(key), "compliance_role": COMPLIANCE.get(key),
            })
            nodes.append(("Person", props))
            person[key] = props
            account_of[key] = acc_id
            tenure_years = rng.uniform(1.0, 3.0) * seniority
            rels.append(("WORKS_AT", _pid(key), acc_id, {"since": day(365 * tenure_years)}))
            if manager:
                rels.append(("REPORTS_TO", _pid(key), _pid(manager), {}))
    for child, parent in PART_OF:
        rels.append(("PART_OF", child, parent, {}))
    for key, acc_id, title, started, left in FORMER_EMPLOYMENT:
        rels.append(("WORKED_AT", _pid(key), acc_id, {"since": day(365 * started), "until": day(365 * left),
                                                       "title": title}))
    for source, target, strength in INFLUENCES:
        rels.append(("INFLUENCES", _pid(source), _pid(target), {"strength": strength}))
    for source, target, strength in KNOWS:
        rels.append(("KNOWS", _pid(source), _pid(target), {"strength": strength}))

    for user_id, username, display_name, role, title, reads in USERS:
        nodes.append(("User", {"id": user_id, "username": username, "display_name": display_name,
                               "role": role, "active": True, "title": title, "email": f"{username}@example.com",
                               "language": reads}))
    for user_id, target, team_role in MEMBERS:
        rels.append(("MEMBER_OF", user_id, target, {"team_role": team_role}))

    opportunity = {}
    for opp_id, acc_id, name, value, currency, stage, close, criteria, topic_zh, topic_en in OPPORTUNITIES:
        opportunity[opp_id] = {"account": acc_id, "stage": stage, "close": close,
                               "topic": {"zh": topic_zh, "en": topic_en}}
        nodes.append(("Opportunity", {"id": opp_id, "name": name, "value": float(value), "currency": currency,
                                      "stage": stage, "close_date": day(-close), "decision_criteria": criteria,
                                      **_compact({"quiet_start": day(QUIET_PERIODS[opp_id])
                                                  if opp_id in QUIET_PERIODS else None})}))
        rels.append(("FOR", opp_id, acc_id, {}))
    roles_of: dict[str, list[str]] = {}
    for opp_id, members in BUYING_CENTERS.items():
        for key, role, influence, stance in members:
            roles_of.setdefault(key, []).append(opp_id)
            rels.append(("ROLE_IN", _pid(key), opp_id, {
                "role": role, "influence": influence or person[key]["influence"],
                "stance": stance or person[key]["stance"]}))

    for comp_id, name in COMPETITORS:
        nodes.append(("Competitor", {"id": comp_id, "name": name}))
    for comp_id, opp_id in COMPETES_FOR:
        rels.append(("COMPETES_FOR", comp_id, opp_id, {}))
    for comp_id, key, strength in COMPETITOR_RELATIONSHIPS:
        rels.append(("RELATIONSHIP", comp_id, _pid(key), {"strength": strength}))

    # interactions: routine contacts plus the scripted events, oldest first
    member_of = {(user, target) for user, target, _ in MEMBERS}
    coverage = {(user, key): (strength, since) for user, key, strength, since, _ in RELATIONSHIPS}
    drafts = [draft for row in RELATIONSHIPS
              for draft in _routine_contact(row, person, account_of, language, roles_of, opportunity, member_of)]
    for days, hour, kind, channel, users, keys, opp_id, sentiment, satisfaction, summary in EVENTS:
        for user in users:
            for key in keys:
                if (user, key) not in coverage:
                    raise ValueError(f"demo event with {user}/{key} lacks a RELATIONSHIP row")
                if days > 365 * coverage[user, key][1]:
                    raise ValueError(f"demo event with {user}/{key} predates the relationship")
        drafts.append(_Draft(days, hour, 0, kind, channel, users, keys, opp_id, sentiment, satisfaction, summary))
    drafts.sort(key=lambda d: (-d.days, d.hour, d.minute))

    last_contact: dict[tuple[str, str], str] = {}
    ids = {(draft.persons, draft.days): f"int-{number:04d}" for number, draft in enumerate(drafts, start=1)}
    for number, draft in enumerate(drafts, start=1):
        int_id = f"int-{number:04d}"
        at = stamp(draft.days, draft.hour, draft.minute)
        nodes.append(("Interaction", _compact({
            "id": int_id, "kind": draft.kind, "channel": draft.channel, "at": at, "summary": draft.summary,
            "sentiment": draft.sentiment, "satisfaction": draft.satisfaction,
            **_follow_up(draft, today, ids), **EVENT_COMPLIANCE.get((draft.persons[0], draft.days), {})})))
        for user in draft.users:
            rels.append(("ATTENDED", user, int_id, {}))
            for key in draft.persons:
                last_contact[user, key] = max(last_contact.get((user, key), at), at)
        for key in draft.persons:
            rels.append(("WITH", int_id, _pid(key), {}))
        if draft.opportunity:
            rels.append(("ABOUT", int_id, draft.opportunity, {}))

    for user, key, strength, since_years, _ in RELATIONSHIPS:
        rels.append(("RELATIONSHIP", user, _pid(key), _compact({
            "strength": strength, "since": day(365 * since_years), "last_contact_at": last_contact.get((user, key))})))
    return nodes, rels


def _follow_up(draft: _Draft, today: date, ids: dict) -> dict:
    """The follow-up properties of a feedback that calls for one (:data:`FOLLOW_UPS`)."""
    if not opens_follow_up({"kind": draft.kind, "satisfaction": draft.satisfaction, "sentiment": draft.sentiment}):
        return {}
    key = (draft.persons[0], draft.days)
    if key not in FOLLOW_UPS:
        raise ValueError(f"demo feedback of {key} calls for a follow-up: add it to FOLLOW_UPS")
    owner, answer = FOLLOW_UPS[key]
    return {"follow_up_owner": owner,
            "follow_up_due": (today - timedelta(days=draft.days - FOLLOW_UP_DAYS)).isoformat(),
            "follow_up_closed_by": ids[answer] if answer else None}


def _routine_contact(row, person, account_of, language, roles_of, opportunity, member_of) -> list[_Draft]:
    """The routine contacts of one RELATIONSHIP row, the latest ``last`` days ago."""
    user, key, strength, since_years, last = row
    if last is None:
        return []
    rng = _rng("contact", user, key)
    lang = language[account_of[key]]
    mode = _CONTACT_MODES["close" if strength >= 3 else "loose", lang]
    limit = min(int(365 * since_years), 360)
    stance = person[key]["stance"]
    name = person[key]["name"]
    contacts, days = [], last
    for _ in range(max(1, strength - 1)):
        if days > limit:
            break
        kind, channel = rng.choice(mode)
        candidates = [
            opp_id for opp_id in roles_of.get(key, [])
            if ((user, opp_id) in member_of or (user, opportunity[opp_id]["account"]) in member_of)
            and (opportunity[opp_id]["stage"] in OPEN_STAGES or days > -opportunity[opp_id]["close"])
        ]
        opp_id = candidates[0] if candidates and rng.random() < 0.75 else None
        with_opp, general = _SUBJECTS[lang]
        subject = (rng.choice(with_opp).format(topic=opportunity[opp_id]["topic"][lang]) if opp_id
                   else rng.choice(general))
        sentiment = max(-2, min(2, _STANCE_MOOD[stance] + rng.choice((-1, 0, 0, 1))))
        summary = _SENTENCES[lang][kind].format(name=name, subject=subject)
        contacts.append(_Draft(days, rng.randint(1, 9), rng.choice((0, 15, 30, 45)), kind, channel,
                               (user,), (key,), opp_id, sentiment, None, summary))
        days += rng.randint(50, 110)
    return contacts


def load_demo(store, today: date | None = None) -> dict:
    """Write the demo portfolio into ``store`` (idempotent: the same ids every
    time, so loading twice adds nothing).  Every demo user gets DEMO_PASSWORD."""
    from graphcrm.users import hash_password

    nodes, relationships = demo_portfolio(today)
    password_hash = hash_password(DEMO_PASSWORD)
    nodes = [
        (label, {**props, "password_hash": password_hash} if label == "User" else props)
        for label, props in nodes
    ]
    return store.bulk_merge(nodes, relationships)
