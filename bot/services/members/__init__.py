"""The membership directory: who is who, which organisation holds which vote and seat.

One module per concern: `geography` (provinces and regions), `snapshots` (the frozen `Member`,
`OrgInfo`, `OrgSummary` every read returns), `directory` (the reads), `csv_rows` (the members
CSV and its checks), `importing` and `export` (the file into the directory and back). This file
is the feature's public surface: callers import from `bot.services.members`, never from a module.
The model enums a builder needs (`Role`, `OrgKind`) are re-exported here, so builders need not
import `models`.
"""

from __future__ import annotations

from bot.services.members.csv_rows import CSV_COLUMNS, NAME_LIMIT, MemberRow, parse_member_rows
from bot.services.members.directory import (
    MEMBER_COLUMNS,
    directory_contacts,
    get_member,
    get_members,
    group_by_province,
    list_organisations,
    maintainers,
    members_from_rows,
    members_with_role,
    rep_of,
    require_member,
    to_member,
    whois,
)
from bot.services.members.export import export_members
from bot.services.members.geography import PROVINCES, REGIONS, region_of
from bot.services.members.importing import ImportReport, import_members
from bot.services.members.snapshots import SLACK_USER_ID, Grant, Member, OrgInfo, OrgSummary
from models import OrgKind, Role

__all__ = [
    "CSV_COLUMNS",
    "MEMBER_COLUMNS",
    "NAME_LIMIT",
    "PROVINCES",
    "REGIONS",
    "SLACK_USER_ID",
    "Grant",
    "ImportReport",
    "Member",
    "MemberRow",
    "OrgInfo",
    "OrgKind",
    "OrgSummary",
    "Role",
    "directory_contacts",
    "export_members",
    "get_member",
    "get_members",
    "group_by_province",
    "import_members",
    "list_organisations",
    "maintainers",
    "members_from_rows",
    "members_with_role",
    "parse_member_rows",
    "region_of",
    "rep_of",
    "require_member",
    "to_member",
    "whois",
]
