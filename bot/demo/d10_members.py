"""Demo directory: twelve member organisations across the regions, and the people in them."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.demo import DEMO_MARK
from bot.deps import Deps
from bot.services.members import import_members

# org, kind, province, user id, name, roles, years left on an exec term (or None)
PEOPLE = [
    ("Toronto South LIP", "LIP", "ON", "UDEMO0001", "Amina Haddad", "staff;lead;admin", None),
    ("Jasper LIP", "LIP", "AB", "UDEMO0002", "Luc Tremblay", "staff;lead;ex-officio", None),
    ("Toronto South LIP", "LIP", "ON", "UDEMO0003", "Grace Okafor", "rep;staff", None),
    ("Jasper LIP", "LIP", "AB", "UDEMO0004", "Sam Whitehorse", "rep;staff", None),
    ("Halifax LIP", "LIP", "NS", "UDEMO0005", "Marie LeBlanc", "rep;staff;exec", 1),
    ("Halifax LIP", "LIP", "NS", "UDEMO0006", "Owen MacLeod", "staff", None),
    ("Moncton ZIP", "ZIP", "NB", "UDEMO0007", "Chloé Arsenault", "rep;staff;nominations", None),
    ("Montréal-Nord PLI", "LIP", "QC", "UDEMO0008", "Karim Benali", "rep;staff;exec", 2),
    ("Sherbrooke PLI", "LIP", "QC", "UDEMO0009", "Isabelle Roy", "rep;staff", None),
    ("Ottawa LIP", "LIP", "ON", "UDEMO0010", "Priya Natarajan", "rep;staff;exec", 1),
    ("Ottawa LIP", "LIP", "ON", "UDEMO0011", "Daniel Cohen", "staff", None),
    ("Winnipeg LIP", "LIP", "MB", "UDEMO0012", "Joseph Redsky", "rep;staff", None),
    ("Saskatoon LIP", "LIP", "SK", "UDEMO0013", "Mei Chen", "rep;staff;nominations", None),
    ("Surrey LIP", "LIP", "BC", "UDEMO0014", "Harjit Sandhu", "rep;staff;exec", 2),
    ("Whitehorse ZIP", "ZIP", "YT", "UDEMO0015", "Ella Johnson", "rep;staff", None),
    ("Calgary LIP", "LIP", "AB", "UDEMO0016", "Tomás Rivera", "rep;staff", None),
]


async def load(session: AsyncSession, today: date, deps: Deps) -> str:
    rows = []
    for line, (org, kind, prov, uid, name, roles, years) in enumerate(PEOPLE, start=2):
        term_end = "" if years is None else date(today.year + years, 3, 31).isoformat()
        rows.append(
            (line, {"org": f"{DEMO_MARK} {org}", "kind": kind, "province": prov, "slack_user_id": uid,
                    "name": name, "roles": roles, "term_ends": term_end})
        )  # fmt: skip
    report = await import_members(session, rows, today=today)
    return f"{report.rows} people in {len({p[0] for p in PEOPLE})} organisations"
