"""The casework builders (units, members, cases through the actions), for the performance tests."""

from tests.casework.conftest import make_case, make_member, make_unit, organization, service

__all__ = ["make_case", "make_member", "make_unit", "organization", "service"]
