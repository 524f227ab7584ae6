"""SQLAlchemy models, one module per feature. Importing this package imports every module, so
`Base.metadata` is complete for Alembic (autogenerate, `alembic check`) whatever a caller
imported first; a new feature's module is picked up without editing this file."""

import importlib
import pkgutil

from models.base import Base
from models.members import Organisation, OrgKind, Person, Role, RoleGrant, UserPref
from models.ops import AuditEvent, OutboundMessage, ProcessedDelivery, SendStatus

for _module in pkgutil.iter_modules(__path__):
    if not _module.ispkg and not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "AuditEvent",
    "Base",
    "OrgKind",
    "Organisation",
    "OutboundMessage",
    "Person",
    "ProcessedDelivery",
    "Role",
    "RoleGrant",
    "SendStatus",
    "UserPref",
]
