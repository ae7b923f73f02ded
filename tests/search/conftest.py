"""The search tests reuse the casework builders (units, members, cases) and the client builder."""

from tests.casework.conftest import (  # noqa: F401 - fixtures
    make_case,
    make_member,
    make_unit,
    organization,
    service,
)
from tests.clients.conftest import make_client  # noqa: F401 - fixture
