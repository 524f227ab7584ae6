"""Where an organisation is: its province or territory, and the region that puts it on a slate.

Regions group the provinces the way the network's elections and summaries do (reserved seats,
slates, the directory by region), so every feature reads them from this one table.
"""

from __future__ import annotations

# Province/territory code → region used for slates, reserved seats and summaries.
PROVINCES: dict[str, str] = {
    "NL": "atlantic", "NS": "atlantic", "NB": "atlantic", "PE": "atlantic",
    "QC": "quebec", "ON": "ontario",
    "MB": "prairies", "SK": "prairies", "AB": "prairies",
    "BC": "bc",
    "YT": "north", "NT": "north", "NU": "north",
}  # fmt: skip
REGIONS = ("atlantic", "quebec", "ontario", "prairies", "bc", "north")


def region_of(province: str) -> str:
    return PROVINCES[province.upper()]
