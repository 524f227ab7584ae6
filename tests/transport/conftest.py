"""Fixtures of the transport's tests: `db_proxy`, the cuttable proxy in front of PostgreSQL that
the outage tests (test_database_outage, test_claims_attack) connect through."""

from tests.support.tcpproxy import db_proxy  # noqa: F401 (registered as a fixture by being imported here)
