"""Report numbers: the Con i Bambini figures from the seeded data, the pivot builder, activity and periods."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from communities.models import (
    Community,
    DimensionValue,
    Group,
    Membership,
    PartnerRole,
    Partnership,
    ReportingDimension,
)
from cop_portal.reports.periods import PRESET_LAST_YEAR, PRESET_THIS_YEAR, Period, PeriodForm, preset_period
from cop_portal.reports.selectors import Report
from cop_portal.reports.tables import Axis, count_by, pivot
from knowledge.models import KnowledgeItem
from knowledge.services import answer_create, item_create
from meetings.models import Meeting, Registration
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory, RegistrationFactory

ROME = ZoneInfo("Europe/Rome")
THEME_1 = "le sfide educative ai tempi del COVID-19"
THEME_2 = "le reti nelle prassi progettuali"


def rows_of(table) -> dict[str, list]:
    return {row.label: row.values for row in table.rows}


def column(table, name: str) -> int:
    return table.columns.index(name)


# --- Con i Bambini: the published figures, from the seeded demo data ---------------------------------------


def test_con_i_bambini_report_reproduces_the_published_figures(seeded):
    """Bilancio sociale 2021, 2.19: 16 groups, 35 meetings by 31/12/2021, 249 projects (80 + 86 + 83)."""
    community = Community.objects.get(slug="con-i-bambini")
    report = Report(community=community, period=Period(None, date(2021, 12, 31), "custom"))

    groups = report.table("groups-by-bando-x-macro-area")
    assert groups.total.values[-1] == 16
    assert {label: values[-1] for label, values in rows_of(groups).items()} == {
        "Prima Infanzia 2016": 5,
        "Adolescenza 2016": 5,
        "Nuove generazioni 2017": 6,
    }
    assert groups.total.values[column(groups, "Progetti multi-regionali")] == 3

    activity = rows_of(report.table("activity"))
    assert activity["Meetings held"] == [35]
    assert activity["Groups that met"] == [16]

    projects = report.table("partners-by-role-x-bando")
    funded = rows_of(projects)["Funded project"]
    assert funded[column(projects, "Prima Infanzia 2016")] == 80
    assert funded[column(projects, "Adolescenza 2016")] == 86
    assert funded[column(projects, "Nuove generazioni 2017")] == 83
    assert funded[-1] == 249

    by_group = report.table("meetings-by-group-x-theme")
    assert by_group.total.values[-1] == 35
    assert by_group.columns[:2] == [THEME_1, THEME_2]  # themes in the order the groups first met them
    first, second = column(by_group, THEME_1), column(by_group, THEME_2)
    labels = dict(Group.objects.filter(community=community).values_list("name", "slug"))
    group_rows = {label: values for label, values in rows_of(by_group).items() if label in labels}
    assert len(group_rows) == 16
    for label, values in group_rows.items():
        multi_regional = labels[label].endswith("-multi")
        assert values[first] == 1, label
        assert values[second] == (0 if multi_regional else 1), label
    multi = [label for label in group_rows if labels[label].endswith("-multi")]
    assert len(multi) == 3


def test_con_i_bambini_meetings_after_2021_are_not_in_the_2021_report(seeded):
    community = Community.objects.get(slug="con-i-bambini")
    MeetingFactory(
        community=community,
        start=datetime(2022, 1, 10, 15, tzinfo=ROME),
        end=datetime(2022, 1, 10, 17, tzinfo=ROME),
    )
    up_to_2021 = Report(community=community, period=Period(None, date(2021, 12, 31), "custom"))
    assert rows_of(up_to_2021.table("activity"))["Meetings held"] == [35]
    all_time = Report(community=community, period=Period())
    assert rows_of(all_time.table("activity"))["Meetings held"] == [36]


# --- The generic pivot --------------------------------------------------------------------------------------


@pytest.fixture
def themed_meetings(cop):
    """Three meetings of two groups; one is on two themes, one has none, one was cancelled."""
    alpha = GroupFactory(community=cop, name="Alpha")
    beta = GroupFactory(community=cop, name="Beta")
    GroupFactory(community=cop, name="Gamma")  # met no one
    past = timezone.now() - timedelta(days=3)
    MeetingFactory(community=cop, group=alpha, start=past, end=past + timedelta(hours=1)).themes.set(["x", "y"])
    MeetingFactory(community=cop, group=alpha, start=past, end=past + timedelta(hours=1)).themes.set(["x"])
    MeetingFactory(community=cop, group=beta, start=past, end=past + timedelta(hours=1))
    MeetingFactory(
        community=cop, group=beta, start=past, end=past + timedelta(hours=1), status=Meeting.Status.CANCELLED
    ).themes.set(["x"])
    return {"alpha": alpha, "beta": beta}


def test_pivot_counts_each_object_once_in_its_margins(cop, themed_meetings):
    groups = Axis(label="Group", key="group_id", choices=[(g.pk, g.name) for g in themed_meetings.values()])
    themes = Axis(label="Theme", key="themes__name", empty_label="No theme")
    result = pivot(Meeting.objects.filter(community=cop).exclude(status="cancelled"), groups, themes)
    alpha, beta = themed_meetings["alpha"].pk, themed_meetings["beta"].pk
    assert result.cols == [("x", "x"), ("y", "y"), (None, "No theme")]
    assert result.cell(alpha, "x") == 2 and result.cell(alpha, "y") == 1 and result.cell(beta, None) == 1
    # The meeting on two themes counts in both columns but once in its row and in the total.
    assert result.row_totals[alpha] == 2
    assert result.total == 3
    assert result.col_totals == {"x": 2, "y": 1, None: 1}


def test_axis_lists_unused_choices_then_other_keys_then_none():
    axis = Axis(label="Kind", key="kind", choices=[("b", "Bee"), ("a", "Ay")], empty_label="None at all")
    assert axis.ordered(["z", None, "a"]) == [("b", "Bee"), ("a", "Ay"), ("z", "z"), (None, "None at all")]
    hidden = Axis(label="Kind", key="kind", choices=[("b", "Bee"), ("a", "Ay")], show_unused=False)
    assert hidden.ordered(["a"]) == [("a", "Ay")]


def test_count_by_lists_every_group_even_those_that_never_met(cop, themed_meetings):
    report = Report(community=cop, period=Period())
    table = report.table("meetings-by-group")
    assert [(row.label, row.values) for row in table.rows] == [("Alpha", [2]), ("Beta", [1]), ("Gamma", [0])]
    assert table.total.values == [3]
    counts, total = count_by(
        Meeting.objects.filter(community=cop), Axis(label="Status", key="status", choices=Meeting.Status.choices)
    )
    assert ("cancelled", "Cancelled", 1) in counts and total == 4


def test_pivot_table_over_reporting_dimensions(cop):
    call = ReportingDimension.objects.create(community=cop, name="Call", slug="call", order=0)
    area = ReportingDimension.objects.create(community=cop, name="Area", slug="area", order=1)
    c1 = DimensionValue.objects.create(dimension=call, name="Call 1", slug="c1", order=0)
    c2 = DimensionValue.objects.create(dimension=call, name="Call 2", slug="c2", order=1)
    north = DimensionValue.objects.create(dimension=area, name="North", slug="north", order=0)
    south = DimensionValue.objects.create(dimension=area, name="South", slug="south", order=1)
    for values in ([c1, north], [c1, south], [c2, south], [c2]):
        GroupFactory(community=cop).dimension_values.set(values)
    role = PartnerRole.objects.create(community=cop, name="Funded project")
    Partnership.objects.create(
        community=cop, organization=OrganizationFactory(country="IT"), role=role
    ).dimension_values.set([c1])
    Partnership.objects.create(community=cop, organization=OrganizationFactory(country="FR"), role=role)

    report = Report(community=cop, period=Period())
    assert "groups-by-call-x-area" in report.table_ids()
    groups = report.table("groups-by-call-x-area")
    assert groups.header() == ["Call \u00d7 Area", "North", "South", "No area", "Total"]
    assert [[row.label, *row.values] for row in groups.rows] == [["Call 1", 1, 1, 0, 2], ["Call 2", 0, 1, 1, 2]]
    assert groups.total.values == [1, 2, 1, 4]
    partners = report.table("partners-by-country-x-role")
    assert rows_of(partners) == {"France": [1, 1], "Italy": [1, 1]}
    by_call = report.table("partners-by-role-x-call")
    assert rows_of(by_call)["Funded project"] == [1, 0, 1, 2]


def test_a_community_without_dimensions_reports_groups_by_kind(cop):
    GroupFactory(community=cop, kind=Group.Kind.COORDINATION)
    report = Report(community=cop, period=Period())
    assert "groups-by-kind" in report.table_ids()
    assert rows_of(report.table("groups-by-kind")) == {"Coordination team": [1]}
    assert report.table("no-such-table") is None


# --- Activity ----------------------------------------------------------------------------------------------


def test_activity_counts_participants_organisations_attendance_new_members_and_questions(cop, coordinator):
    city = OrganizationFactory(name="Comune di Prova")
    ngo = OrganizationFactory(name="Associazione")
    past = timezone.now() - timedelta(days=2)
    held = MeetingFactory(community=cop, start=past, end=past + timedelta(hours=2))
    second = MeetingFactory(community=cop, start=past, end=past + timedelta(hours=2))
    unrecorded = MeetingFactory(community=cop, start=past, end=past + timedelta(hours=2))
    ann = make_member(cop, UserFactory(organization=city))
    bob = make_member(cop, UserFactory(organization=city))
    eve = make_member(cop, UserFactory(organization=ngo))
    RegistrationFactory(meeting=held, user=ann, attended=True)
    RegistrationFactory(meeting=held, user=bob, attended=False)
    RegistrationFactory(meeting=second, user=ann, attended=True)
    RegistrationFactory(meeting=unrecorded, user=eve)
    Registration.objects.create(meeting=held, name="Walk-in", walk_in=True, attended=True, organization=ngo)
    RegistrationFactory(meeting=held, user=UserFactory(), status=Registration.Status.CANCELLED)
    # A future meeting and a cancelled one are not "held".
    MeetingFactory(community=cop)
    MeetingFactory(community=cop, start=past, end=past + timedelta(hours=1), status=Meeting.Status.CANCELLED)
    question = item_create(community=cop, by=ann, kind=KnowledgeItem.Kind.QUESTION, title="How?", publish=True)
    item_create(community=cop, by=bob, kind=KnowledgeItem.Kind.LESSON, title="Learnt", publish=True)
    item_create(community=cop, by=bob, kind=KnowledgeItem.Kind.LESSON, title="Draft")
    answer_create(item=question, by=bob, body="Like this.")
    answer_create(item=question, by=eve, body="Or like that.")

    figures = Report(community=cop, period=Period()).activity_figures()
    assert figures["meetings_held"] == 3
    assert figures["participants"] == 4  # ann, bob, eve and the walk-in (cancelled ones do not count)
    assert figures["attended"] == 2  # ann (twice, counted once) and the walk-in
    assert figures["organisations"] == 2
    assert figures["meetings_with_attendance"] == 2
    # Seats at meetings whose attendance was recorded: ann, bob at the first; ann at the second; 2 of 3 came.
    assert figures["attendance_rate"] == "66.7\u00a0%"
    assert figures["new_members"] == 4  # the coordinator, ann, bob and eve
    assert figures["items_published"] == 2
    assert figures["questions_asked"] == 1
    assert figures["questions_answered"] == 1
    assert figures["answers_given"] == 2


def test_activity_of_a_past_period_leaves_out_what_came_later(cop, coordinator):
    MeetingFactory(community=cop, start=timezone.now() - timedelta(days=1), end=timezone.now() - timedelta(hours=1))
    figures = Report(community=cop, period=Period(date(2001, 1, 1), date(2001, 12, 31), "custom")).activity_figures()
    assert figures["meetings_held"] == 0 and figures["new_members"] == 0
    assert figures["attendance_rate"] == "\u2014"


def test_a_report_never_counts_another_communitys_rows(cop, coordinator):
    other = CommunityFactory()
    past = timezone.now() - timedelta(days=1)
    MeetingFactory(community=other, start=past, end=past + timedelta(hours=1))
    make_member(other, UserFactory(), role=Membership.Role.MEMBER)
    figures = Report(community=cop, period=Period()).activity_figures()
    assert figures["meetings_held"] == 0 and figures["new_members"] == 1


# --- Periods -----------------------------------------------------------------------------------------------


def test_period_includes_both_end_days_in_the_current_time_zone():
    period = Period(date(2021, 1, 1), date(2021, 12, 31), "custom")
    with timezone.override(ROME):
        start, end = period.bounds()
    assert start == datetime(2021, 1, 1, tzinfo=ROME) and end == datetime(2022, 1, 1, tzinfo=ROME)
    assert period.query() == {"from": "2021-01-01", "to": "2021-12-31"}
    assert Period().bounds() == (None, None) and Period().slug() == "all-time"


def test_presets_give_this_year_and_last_year():
    today = date(2024, 5, 6)
    assert preset_period(PRESET_THIS_YEAR, today=today) == Period(date(2024, 1, 1), date(2024, 12, 31), "this-year")
    assert preset_period(PRESET_LAST_YEAR, today=today) == Period(date(2023, 1, 1), date(2023, 12, 31), "last-year")
    assert preset_period("all").is_all_time


def test_period_form_refuses_an_end_before_the_start_and_falls_back_to_all_time():
    form = PeriodForm({"preset": "custom", "from": "2021-12-31", "to": "2021-01-01"})
    assert not form.is_valid()
    assert "before its end" in str(form.non_field_errors())
    assert form.period().is_all_time
    bad_date = PeriodForm({"from": "31/31/2021"})
    assert not bad_date.is_valid() and "from_date" in bad_date.errors
    assert PeriodForm({"from": "2021-03-01"}).period() == Period(date(2021, 3, 1), None, "custom")
    assert PeriodForm({"preset": "last-year", "from": "2000-01-01"}).period().preset == "last-year"
