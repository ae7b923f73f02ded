"""Fixtures of the notifications tests (the inbound-mail ones live in ``inbound_builders``)."""

from tests.notifications.imap_server import imap_server  # noqa: F401 - a fixture
from tests.notifications.inbound_builders import (  # noqa: F401 - fixtures
    client_case,
    known_client,
    mail_service,
    make_case,
    make_member,
    make_unit,
    officer,
    organization,
    sent_message,
    service,
    unit,
)
