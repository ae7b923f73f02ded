"""Filters of the insight pages."""

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def grouped(value: int | None) -> str:
    """A count with the page language's thousands separator (``1,234``, ``1 234``)."""
    if value is None:
        return ""
    return formats.number_format(value, use_l10n=True, force_grouping=True)
