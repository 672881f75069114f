"""The period a report covers: chosen with GET from/to dates or a preset (this year, last year, all time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PRESET_THIS_YEAR = "this-year"
PRESET_LAST_YEAR = "last-year"
PRESET_ALL = "all"
PRESET_CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    """A span of days, both ends included; None on a side means open (all time)."""

    start: date | None = None
    end: date | None = None
    preset: str = PRESET_ALL

    @property
    def is_all_time(self) -> bool:
        return self.start is None and self.end is None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """Return the aware datetimes [start, end) of the period in the current time zone."""
        zone = timezone.get_current_timezone()
        start = datetime.combine(self.start, time.min, tzinfo=zone) if self.start else None
        end = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone) if self.end else None
        return start, end

    def filter(self, queryset, field: str):
        """Narrow queryset to the rows whose datetime `field` falls in the period."""
        start, end = self.bounds()
        if start is not None:
            queryset = queryset.filter(**{f"{field}__gte": start})
        if end is not None:
            queryset = queryset.filter(**{f"{field}__lt": end})
        return queryset

    def label(self) -> str:
        if self.is_all_time:
            return _("All time")
        if self.start and self.end:
            return _("%(start)s to %(end)s") % {
                "start": date_format(self.start, "SHORT_DATE_FORMAT"),
                "end": date_format(self.end, "SHORT_DATE_FORMAT"),
            }
        if self.start:
            return _("From %(start)s") % {"start": date_format(self.start, "SHORT_DATE_FORMAT")}
        return _("Up to %(end)s") % {"end": date_format(self.end, "SHORT_DATE_FORMAT")}

    def query(self) -> dict[str, str]:
        """Return the GET parameters that choose this period again (for links to exports and print)."""
        if self.preset in {PRESET_THIS_YEAR, PRESET_LAST_YEAR, PRESET_ALL}:
            return {"preset": self.preset}
        params = {}
        if self.start:
            params["from"] = self.start.isoformat()
        if self.end:
            params["to"] = self.end.isoformat()
        return params

    def slug(self) -> str:
        """Return a short name of the period for file names, e.g. 2021-01-01_2021-12-31 or all-time."""
        if self.is_all_time:
            return "all-time"
        return f"{self.start.isoformat() if self.start else 'start'}_{self.end.isoformat() if self.end else 'today'}"


def preset_period(preset: str, *, today: date | None = None) -> Period:
    today = today or timezone.localdate()
    if preset == PRESET_THIS_YEAR:
        return Period(date(today.year, 1, 1), date(today.year, 12, 31), PRESET_THIS_YEAR)
    if preset == PRESET_LAST_YEAR:
        return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31), PRESET_LAST_YEAR)
    return Period(None, None, PRESET_ALL)


class PeriodForm(forms.Form):
    """The period chooser: a preset, or any from/to dates (either may be left empty)."""

    PRESETS = [
        (PRESET_ALL, gettext_lazy("All time")),
        (PRESET_THIS_YEAR, gettext_lazy("This year")),
        (PRESET_LAST_YEAR, gettext_lazy("Last year")),
        (PRESET_CUSTOM, gettext_lazy("Dates below")),
    ]

    preset = forms.ChoiceField(label=gettext_lazy("Period"), choices=PRESETS, required=False)
    from_date = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    to_date = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def add_prefix(self, field_name):
        # The URL says from/to (short, readable); a form field cannot be named "from".
        return {"from_date": "from", "to_date": "to"}.get(field_name, field_name)

    def clean(self):
        data = super().clean()
        start, end = data.get("from_date"), data.get("to_date")
        preset = data.get("preset") or ""
        if preset in {"", PRESET_CUSTOM} and start and end and start > end:
            raise forms.ValidationError(_("The start of the period must come before its end."), code="order")
        return data

    def period(self) -> Period:
        """Return the period chosen, or all time when nothing (or nothing valid) was chosen."""
        if not self.is_bound or not self.is_valid():
            return preset_period(PRESET_ALL)
        preset = self.cleaned_data.get("preset") or ""
        if preset in {PRESET_THIS_YEAR, PRESET_LAST_YEAR, PRESET_ALL}:
            return preset_period(preset)
        start, end = self.cleaned_data.get("from_date"), self.cleaned_data.get("to_date")
        if start is None and end is None:
            return preset_period(PRESET_ALL)
        return Period(start, end, PRESET_CUSTOM)


def period_from_request(request) -> tuple[PeriodForm, Period]:
    """Return the period chooser bound to the request's GET (unbound when nothing was asked) and its period."""
    asked = any(request.GET.get(name) for name in ("preset", "from", "to"))
    form = PeriodForm(request.GET if asked else None, initial={"preset": PRESET_ALL})
    return form, form.period()
