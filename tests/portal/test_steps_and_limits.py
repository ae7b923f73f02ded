"""The status page's steps as configured per service (checked), and the rate limits' keys."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from comptoir.portal import ratelimit
from comptoir.portal.models import DEFAULT_STEPS, ServiceSteps, parse_steps

GOOD = [
    {"label_en": "Sent", "label_fr": "Envoyée", "statuses": ["open", "assigned"]},
    {"label_en": "Your turn", "label_fr": "À vous", "statuses": ["awaiting_client"]},
    {"label_en": "Answered", "label_fr": "Répondue", "statuses": ["resolved"]},
]


def test_the_default_steps_cover_every_status_once():
    statuses = [status for step in DEFAULT_STEPS for status in step.statuses]
    assert sorted(statuses) == sorted({"open", "assigned", "awaiting_client", "resolved"})


def test_good_steps_are_read():
    steps = parse_steps(GOOD)
    assert [s.label_fr for s in steps] == ["Envoyée", "À vous", "Répondue"]


@pytest.mark.parametrize(
    "value",
    [
        "not a list",
        GOOD[:1],
        [*GOOD, *GOOD, *GOOD],  # more than 8
        [{"label_en": "Sent", "label_fr": "", "statuses": ["open"]}, *GOOD[1:]],
        [{"label_en": "Sent", "label_fr": "Envoyée", "statuses": []}, *GOOD[1:]],
        [
            {"label_en": "Sent", "label_fr": "Envoyée", "statuses": ["open"]},
            *GOOD[1:],
        ],  # no "assigned"
        [{"label_en": "A", "label_fr": "A", "statuses": ["open", "open"]}, *GOOD],  # twice
        [{"label_en": "A", "label_fr": "A", "statuses": ["lost"]}, *GOOD],
        ["a step", *GOOD],
    ],
)
def test_bad_steps_are_refused(value):
    with pytest.raises(ValidationError):
        parse_steps(value)


@pytest.mark.django_db
def test_the_model_checks_its_steps(service):
    with pytest.raises(ValidationError) as caught:
        ServiceSteps(service=service, steps=GOOD[:1]).full_clean()
    assert "steps" in caught.value.message_dict
    ServiceSteps(service=service, steps=GOOD).full_clean()


@pytest.mark.django_db
def test_a_limit_counts_tries_per_key(settings):
    settings.COMPTOIR_PORTAL_LOOKUP_LIMIT = (2, 60)
    assert ratelimit.hit("lookup", "a@example.ca")
    assert ratelimit.hit("lookup", "a@example.ca")
    assert not ratelimit.hit("lookup", "a@example.ca")
    assert ratelimit.hit("lookup", "b@example.ca")  # another key
    assert ratelimit.hit("other", "a@example.ca", rule="lookup")  # another scope


def test_the_cache_holds_no_address():
    key = ratelimit._cache_key("lookup", "a@example.ca")
    assert "example" not in key and key.startswith("portal-rl:lookup:")


def test_the_client_ip_behind_proxies(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.2"
    )
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_ip(request) == "10.0.0.1"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert ratelimit.client_ip(request) == "198.51.100.2"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert ratelimit.client_ip(request) == "203.0.113.7"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 3  # fewer hops than proxies: the connection's
    assert ratelimit.client_ip(request) == "10.0.0.1"
