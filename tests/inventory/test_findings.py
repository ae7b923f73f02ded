import re

import pytest
from django.utils import translation

from comptoir.core.opendata.schema import Resource
from comptoir.core.opendata.validation import RuleCode, Violation
from comptoir.inventory import findings

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_every_rule_code_has_a_message_and_a_label():
    assert set(findings.MESSAGES) == set(RuleCode)
    assert set(findings.RULE_LABELS) == set(RuleCode)


@pytest.mark.parametrize("rule", list(RuleCode))
@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_message_renders_all_its_placeholders(rule, language):
    names = set(PLACEHOLDER.findall(str(findings.MESSAGES[rule])))
    params = {name: f"<{name}>" for name in names - {"field", "service_id", "standard_id"}}
    resource = Resource.STANDARD if "standard" in rule.value else Resource.SERVICE
    violation = Violation(resource, 7, "S-1", "T-1", "service_id", rule, params)
    described = findings.render(violation, language)
    assert "%(" not in described.message
    for value in params.values():
        assert value in described.message
    assert described.row == 7
    assert described.severity == violation.severity.value


def test_the_field_is_named_by_its_official_label_in_each_language():
    violation = Violation(
        Resource.SERVICE, 3, "42", "", "sin_usage", RuleCode.NOT_A_CHOICE, {"value": "X"}
    )
    english, french = findings.render_both(violation)
    assert english.field_label == "Use of Social Insurance Number"
    assert french.field_label == "Utilisation du numéro d'assurance sociale (NAS)"
    assert english.field_label in english.message
    assert french.field_label in french.message
    assert english.field_label != french.field_label
    with translation.override("fr"):
        assert findings.describe_violation(violation) == french.message
