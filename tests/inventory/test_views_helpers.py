"""The template helpers the inventory pages use to show open-data cells."""

from decimal import Decimal

import pytest
from django.utils import translation

from comptoir.inventory.templatetags.comptoir_ui import code_labels, percent


@pytest.mark.parametrize(
    ("cell", "english", "french"),
    [
        ("0.8", "80%", "80\u00a0%"),
        ("0.974", "97.4%", "97,4\u00a0%"),
        (Decimal("0.0000"), "0%", "0\u00a0%"),
        (Decimal("1.0000"), "100%", "100\u00a0%"),
        ("1.25", "125%", "125\u00a0%"),
        ("", "", ""),
        (None, "", ""),
        ("NA", "NA", "NA"),
    ],
)
def test_percent_in_each_language(cell, english, french):
    with translation.override("en"):
        assert percent(cell) == english
    with translation.override("fr"):
        assert percent(cell) == french


def test_code_labels_use_the_data_dictionary_labels_and_keep_unknown_codes():
    with translation.override("en"):
        assert code_labels("INFO,GNC", "service:service_type") == (
            "Information; Grants and Contributions"
        )
        assert code_labels("TML", "service-std:type") == "Timeliness"
        assert code_labels("INFO,BOGUS", "service:service_type") == "Information; BOGUS"
    with translation.override("fr"):
        assert code_labels("GNC", "service:service_type") == "Subventions et contributions"
