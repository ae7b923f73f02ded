"""The managers' dashboard page: parse the filters, call ``dashboard.dashboard``, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from comptoir import i18n
from comptoir.casework.models.cases import CHANNEL_CHOICES
from comptoir.insight import dashboard
from comptoir.insight.queries import fiscal_year_codes
from comptoir.insight.views import _require_viewer
from comptoir.inventory.models import Service, ServiceYear, Unit


class DashboardForm(forms.Form):
    """The filters: a fiscal year, and optionally a service, a unit and a channel."""

    fiscal_year = forms.ChoiceField(label=_("Fiscal year"))
    quarter = forms.TypedChoiceField(
        label=_("Period"),
        choices=[
            ("", _("The whole fiscal year")),
            ("1", _("Quarter 1 (April to June)")),
            ("2", _("Quarter 2 (July to September)")),
            ("3", _("Quarter 3 (October to December)")),
            ("4", _("Quarter 4 (January to March)")),
        ],
        coerce=int,
        empty_value=None,
        required=False,
    )
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), required=False
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Every channel")), *CHANNEL_CHOICES], required=False
    )

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        years = dashboard.fiscal_years(fiscal_year_codes(user))
        year_field: Any = self.fields["fiscal_year"]
        year_field.choices = [(code, code) for code in years]
        year_field.initial = dashboard.current_fiscal_year()
        services = Service.objects.filter(standards__isnull=False).distinct()
        names = {
            pk: i18n.pick(english, french)
            for pk, english, french in ServiceYear.objects.filter(service__in=services)
            .order_by("fiscal_year__code")
            .values_list("service_id", "service_name_en", "service_name_fr")
        }
        service_field: Any = self.fields["service"]
        service_field.queryset = services.order_by("service_id")
        service_field.label_from_instance = lambda s: f"{names.get(s.pk) or s.service_id}"
        service_field.empty_label = _("Every service")
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = Unit.objects.order_by("code")
        unit_field.label_from_instance = lambda unit: i18n.pick_field(unit, "name")
        unit_field.empty_label = _("Every unit")

    def filters(self) -> dashboard.Filters:
        data = self.cleaned_data
        return dashboard.Filters(
            fiscal_year=data["fiscal_year"],
            service=data.get("service"),
            unit=data.get("unit"),
            channel=data.get("channel") or "",
            quarter=data.get("quarter"),
        )


@login_required
@require_GET
def managers_dashboard(request: HttpRequest) -> HttpResponse:
    """Performance against target over time, backlog, cases at risk, volumes, top services, data
    gaps and the Guideline's three scenarios, for the filters chosen (a bad filter is a 400
    saying which, with the current year's dashboard)."""
    _require_viewer(request)
    form = DashboardForm(request.GET or None, user=request.user)
    status = 200
    if form.is_bound and form.is_valid():
        filters = form.filters()
    else:
        if form.is_bound:
            status = 400
        filters = dashboard.Filters(fiscal_year=dashboard.current_fiscal_year())
    data = dashboard.dashboard(request.user, filters)
    return render(request, "insight/dashboard.html", {"board": data, "form": form}, status=status)
