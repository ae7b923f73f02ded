"""The API tests' builders (real tokens by the real action, an HTTP client that sends them,
units with members, a service to receive cases on), shared with the bad-input tests here."""

from tests.api.conftest import call, case_service, make_api_client, make_token, unit_and_member

__all__ = ["call", "case_service", "make_api_client", "make_token", "unit_and_member"]
