"""Every response carries a request id, and every log line written meanwhile carries the same."""

from __future__ import annotations

import json
import logging

import pytest

from comptoir.operations.requests import JsonFormatter, RequestIdFilter, current_request_id


def test_a_request_id_is_made_and_returned(client) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


@pytest.mark.parametrize(
    ("given", "kept"),
    [("lb-7f3a.42", True), ("x" * 65, False), ("bad id; drop table", False), ("", False)],
)
def test_a_proxys_id_is_kept_only_when_it_is_a_plain_token(client, given, kept) -> None:
    returned = client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"]
    assert (returned == given) is kept
    assert len(returned) <= 64


def test_log_lines_carry_it(caplog) -> None:
    from django.http import HttpResponse
    from django.test import RequestFactory

    from comptoir.operations.requests import RequestIdMiddleware

    seen = []

    def view(request):
        logging.getLogger("comptoir.test").warning("probing")
        seen.append(current_request_id())
        return HttpResponse("ok")

    caplog.handler.addFilter(RequestIdFilter())
    middleware = RequestIdMiddleware(view)
    response = middleware(RequestFactory().get("/healthz", HTTP_X_REQUEST_ID="abc-123"))
    assert response["X-Request-ID"] == "abc-123" and seen == ["abc-123"]
    [record] = [r for r in caplog.records if r.name == "comptoir.test"]
    assert record.request_id == "abc-123"
    line = json.loads(JsonFormatter().format(record))
    assert (line["request_id"], line["message"], line["level"]) == ("abc-123", "probing", "WARNING")
    assert current_request_id() == "-"  # outside a request again
