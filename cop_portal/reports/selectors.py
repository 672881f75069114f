"""The numbers of a community's report, every one counted by the database.

`Report(community, period)` knows which tables the community's report holds (some depend
on its reporting dimensions) and builds any of them on demand: the page builds them all,
an export only the one asked for, with the same code. Each table costs a fixed number of
queries (aggregations: values().annotate(Count), aggregate()), whatever the size of the
community; nothing here loops over rows to count them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from communities import permissions
from communities.models import (
    Community,
    DimensionValue,
    Group,
    MembershipEvent,
    PartnerRole,
    Partnership,
    ReportingDimension,
)
from knowledge.models import Answer, KnowledgeItem
from meetings.models import Meeting, Registration
from members.typography import country_name

from .periods import Period
from .tables import Axis, Row, Table, aggregate, count_table, pivot_table, remembered_list

SECTION_ACTIVITY = "activity"
SECTION_MEETINGS = "meetings"
SECTION_KNOWLEDGE = "knowledge"
SECTION_STRUCTURE = "structure"

JOIN_ACTIONS = (
    MembershipEvent.Action.JOINED,
    MembershipEvent.Action.APPROVED,
    MembershipEvent.Action.INVITATION_ACCEPTED,
)


def section_titles() -> dict[str, str]:
    return {
        SECTION_ACTIVITY: _("Activity in the period"),
        SECTION_MEETINGS: _("Meetings held"),
        SECTION_KNOWLEDGE: _("Knowledge shared"),
        SECTION_STRUCTURE: _("Groups and partners"),
    }


def held_meetings(*, community: Community, period: Period, now=None):
    """Return the meetings of community held in period: started in it, ended by now, not cancelled."""
    meetings = (
        Meeting.objects.filter(community=community, end__lte=now or timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by()
    )
    return period.filter(meetings, "start")


def published_items(*, community: Community, period: Period):
    """Return the knowledge items of community published in period."""
    items = KnowledgeItem.objects.filter(community=community, status=KnowledgeItem.Status.PUBLISHED).order_by()
    return period.filter(items, "published_at")


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "\u2014"
    return f"{number_format(round(100 * part / whole, 1), decimal_pos=1)}\u00a0%"


def _country_name(code) -> str:
    return country_name(code) if code else ""


class Report:
    """The report of one community over one period; tables are built when asked for."""

    def __init__(self, *, community: Community, period: Period, now=None):
        self.community = community
        self.period = period
        self.now = now or timezone.now()  # "held" means ended by then

    # --- what every table needs, loaded once ------------------------------------------------------------

    @cached_property
    def dimensions(self) -> list[ReportingDimension]:
        return remembered_list(
            ReportingDimension.objects.filter(community=self.community)
            .prefetch_related("values")
            .order_by("order", "name")
        )

    @cached_property
    def groups(self) -> list[tuple[int, str, str]]:
        return remembered_list(
            Group.objects.filter(community=self.community).in_order().values_list("pk", "name", "slug")
        )

    @cached_property
    def roles(self) -> list[tuple[int, str]]:
        return remembered_list(
            PartnerRole.objects.filter(community=self.community).order_by("order", "name").values_list("pk", "name")
        )

    @cached_property
    def meetings(self):
        return held_meetings(community=self.community, period=self.period, now=self.now)

    @cached_property
    def items(self):
        return published_items(community=self.community, period=self.period)

    # --- axes ----------------------------------------------------------------------------------------------

    def _group_href(self, key) -> str:
        slugs = {pk: slug for pk, _name, slug in self.groups}
        if key not in slugs:
            return ""
        return reverse("communities:group", kwargs={"community_slug": self.community.slug, "group_slug": slugs[key]})

    def group_axis(self, key: str = "group_id", *, empty_label: str | None = None) -> Axis:
        return Axis(
            label=_("Group"),
            key=key,
            choices=[(pk, name) for pk, name, _slug in self.groups],
            empty_label=empty_label or _("Whole community"),
        )

    def dimension_axis(self, dimension: ReportingDimension, *, through: str, outer: str) -> Axis:
        """Return an axis by one reporting dimension: each object's value of it, found through `through`.

        through is DimensionValue's relation to the labelled model ("groups" or
        "partnerships") and outer the field of the counted row that points at it.
        """
        value = DimensionValue.objects.filter(dimension=dimension, **{through: OuterRef(outer)}).order_by("order")
        return Axis(
            label=dimension.name,
            key=Subquery(value.values("pk")[:1]),
            choices=[(value.pk, value.name) for value in dimension.values.all()],
            empty_label=_("No %(dimension)s") % {"dimension": dimension.name.lower()},
        )

    @staticmethod
    def theme_axis(key: str, *, empty_label: str, first_by: str = "") -> Axis:
        """Return an axis by theme; with first_by, themes come in the order they were first covered."""
        return Axis(label=_("Theme"), key=key, empty_label=empty_label, first_by=first_by)

    # --- the tables ----------------------------------------------------------------------------------------

    def specs(self) -> list[tuple[str, Callable[[], Table]]]:
        """Return (table id, builder) of every table of this community's report, in page order."""
        specs: list[tuple[str, Callable[[], Table]]] = [
            ("activity", self.activity),
            ("meetings-by-kind", self.meetings_by_kind),
            ("meetings-by-group", self.meetings_by_group),
            ("meetings-by-group-x-theme", self.meetings_by_group_and_theme),
        ]
        dims = self.dimensions
        if len(dims) >= 2:
            specs.append(
                (f"meetings-by-{dims[0].slug}-x-{dims[1].slug}", lambda: self.meetings_by_dimensions(*dims[:2]))
            )
        elif len(dims) == 1:
            specs.append((f"meetings-by-{dims[0].slug}-x-kind", lambda: self.meetings_by_dimension_and_kind(dims[0])))
        specs += [
            ("knowledge-by-kind", self.knowledge_by_kind),
            ("knowledge-by-theme", self.knowledge_by_theme),
        ]
        if len(dims) >= 2:
            specs.append((f"groups-by-{dims[0].slug}-x-{dims[1].slug}", lambda: self.groups_by_dimensions(*dims[:2])))
        elif len(dims) == 1:
            specs.append((f"groups-by-{dims[0].slug}-x-kind", lambda: self.groups_by_dimension_and_kind(dims[0])))
        else:
            specs.append(("groups-by-kind", self.groups_by_kind))
        specs.append(("group-themes", self.group_themes))
        specs.append(("partners-by-country-x-role", self.partners_by_country_and_role))
        if dims:
            specs.append((f"partners-by-role-x-{dims[0].slug}", lambda: self.partners_by_role_and_dimension(dims[0])))
        if len(dims) >= 2:
            specs.append(
                (f"partners-by-{dims[0].slug}-x-{dims[1].slug}", lambda: self.partners_by_dimensions(*dims[:2]))
            )
        return specs

    def table_ids(self) -> list[str]:
        return [table_id for table_id, _build in self.specs()]

    def tables(self) -> list[Table]:
        return [build() for _table_id, build in self.specs()]

    def table(self, table_id: str) -> Table | None:
        """Return the table with this id, built alone (for an export), or None when the report has none."""
        for candidate, build in self.specs():
            if candidate == table_id:
                return build()
        return None

    # --- activity ------------------------------------------------------------------------------------------

    def activity_figures(self) -> dict[str, int | str]:
        """Return the headline figures of the period, each counted by the database (six queries)."""
        meetings = self.meetings
        meeting_counts = aggregate(
            meetings,
            held=Count("pk"),
            groups=Count("group", distinct=True),
        )
        registrations = Registration.objects.filter(meeting__in=meetings.values("pk")).order_by()
        taking_part = Q(status=Registration.Status.REGISTERED) | Q(attended=True)
        # Attendance counts only where organisers recorded it (a meeting with at least one attendee marked).
        recorded = Registration.objects.filter(meeting__in=meetings.values("pk"), attended=True).values("meeting_id")
        seat = Q(status=Registration.Status.REGISTERED, walk_in=False, meeting_id__in=recorded)
        people = aggregate(
            registrations,
            members=Count("user", filter=taking_part & Q(user__isnull=False), distinct=True),
            guests=Count("pk", filter=taking_part & Q(user__isnull=True)),
            attended_members=Count("user", filter=Q(attended=True, user__isnull=False), distinct=True),
            attended_guests=Count("pk", filter=Q(attended=True, user__isnull=True)),
            organisations=Count(
                Coalesce("user__organization", "organization"),
                filter=taking_part,
                distinct=True,
            ),
            seats=Count("pk", filter=seat),
            seats_attended=Count("pk", filter=seat & Q(attended=True)),
            meetings_recorded=Count("meeting", filter=Q(attended=True), distinct=True),
        )
        joins = aggregate(
            self.period.filter(
                MembershipEvent.objects.filter(
                    membership__community=self.community, membership__group__isnull=True, action__in=JOIN_ACTIONS
                ),
                "created_at",
            ),
            people=Count("membership__user", distinct=True),
        )
        items = aggregate(
            self.items,
            published=Count("pk"),
            questions=Count("pk", filter=Q(kind=KnowledgeItem.Kind.QUESTION)),
        )
        answers = aggregate(
            self.period.filter(
                Answer.objects.filter(item__community=self.community, item__kind=KnowledgeItem.Kind.QUESTION),
                "created_at",
            ),
            questions=Count("item", distinct=True),
            answers=Count("pk"),
        )
        return {
            "meetings_held": meeting_counts["held"],
            "groups_that_met": meeting_counts["groups"],
            "participants": people["members"] + people["guests"],
            "attended": people["attended_members"] + people["attended_guests"],
            "organisations": people["organisations"],
            "meetings_with_attendance": people["meetings_recorded"],
            "attendance_rate": _percent(people["seats_attended"], people["seats"]),
            "new_members": joins["people"],
            "items_published": items["published"],
            "questions_asked": items["questions"],
            "questions_answered": answers["questions"],
            "answers_given": answers["answers"],
        }

    def activity(self) -> Table:
        figures = self.activity_figures()
        labels = [
            ("meetings_held", _("Meetings held")),
            ("groups_that_met", _("Groups that met")),
            ("participants", _("Participants reached (registered or present)")),
            ("attended", _("People who attended")),
            ("organisations", _("Organisations reached")),
            ("meetings_with_attendance", _("Meetings with attendance recorded")),
            ("attendance_rate", _("Attendance rate (where recorded)")),
            ("new_members", _("New members")),
            ("items_published", _("Knowledge items published")),
            ("questions_asked", _("Questions asked")),
            ("questions_answered", _("Questions answered")),
            ("answers_given", _("Answers given")),
        ]
        return Table(
            id="activity",
            title=_("Key figures of the period"),
            label_header=_("Measure"),
            columns=[_("Value")],
            rows=[Row(label=label, key=key, values=[figures[key]]) for key, label in labels],
            description=_(
                "Meetings count when they started in the period, have ended and were not cancelled. "
                "Participants are people registered for or present at those meetings, counted once each; "
                "the attendance rate compares attendees with registered people at meetings whose organisers "
                "recorded attendance."
            ),
            section=SECTION_ACTIVITY,
        )

    # --- meetings ------------------------------------------------------------------------------------------

    def meetings_by_kind(self) -> Table:
        axis = Axis(
            label=_("Kind"), key="kind", choices=[(k, str(v)) for k, v in Meeting.Kind.choices], show_unused=False
        )
        return count_table(
            self.meetings,
            axis,
            id="meetings-by-kind",
            title=_("Meetings held by kind"),
            value_label=_("Meetings"),
            section=SECTION_MEETINGS,
        )

    def meetings_by_group(self) -> Table:
        return count_table(
            self.meetings,
            self.group_axis(),
            id="meetings-by-group",
            title=_("Meetings held by group"),
            value_label=_("Meetings"),
            section=SECTION_MEETINGS,
            href=self._group_href,
        )

    def meetings_by_group_and_theme(self) -> Table:
        return pivot_table(
            self.meetings,
            self.group_axis(),
            self.theme_axis("themes__name", empty_label=_("No theme"), first_by="start"),
            id="meetings-by-group-x-theme",
            title=_("Meetings held by group and theme"),
            description=_(
                "Which themes each group covered, in the order they were first met. "
                "A meeting on two themes counts in both columns, once in the total."
            ),
            section=SECTION_MEETINGS,
            href=self._group_href,
        )

    def meetings_by_dimensions(self, first: ReportingDimension, second: ReportingDimension) -> Table:
        return pivot_table(
            self.meetings,
            self.dimension_axis(first, through="groups", outer="group_id"),
            self.dimension_axis(second, through="groups", outer="group_id"),
            id=f"meetings-by-{first.slug}-x-{second.slug}",
            title=_("Meetings held by %(first)s and %(second)s") % {"first": first.name, "second": second.name},
            description=_("Meetings are labelled by the labels of their group; community-wide meetings have none."),
            section=SECTION_MEETINGS,
        )

    def meetings_by_dimension_and_kind(self, dimension: ReportingDimension) -> Table:
        kinds = Axis(
            label=_("Kind"), key="kind", choices=[(k, str(v)) for k, v in Meeting.Kind.choices], show_unused=False
        )
        return pivot_table(
            self.meetings,
            self.dimension_axis(dimension, through="groups", outer="group_id"),
            kinds,
            id=f"meetings-by-{dimension.slug}-x-kind",
            title=_("Meetings held by %(dimension)s and kind") % {"dimension": dimension.name},
            section=SECTION_MEETINGS,
        )

    # --- knowledge -----------------------------------------------------------------------------------------

    def knowledge_by_kind(self) -> Table:
        axis = Axis(
            label=_("Kind"), key="kind", choices=[(k, str(v)) for k, v in KnowledgeItem.Kind.choices], show_unused=False
        )
        return count_table(
            self.items,
            axis,
            id="knowledge-by-kind",
            title=_("Knowledge items published by kind"),
            value_label=_("Items"),
            section=SECTION_KNOWLEDGE,
        )

    def knowledge_by_theme(self) -> Table:
        return count_table(
            self.items,
            self.theme_axis("themes__name", empty_label=_("No theme")),
            id="knowledge-by-theme",
            title=_("Knowledge items published by theme"),
            value_label=_("Items"),
            description=_("An item with several themes counts under each of them, once in the total."),
            section=SECTION_KNOWLEDGE,
        )

    # --- groups and partners (the community as it is: not limited to the period) ----------------------------

    def _groups(self):
        return Group.objects.filter(community=self.community)

    def _kind_axis(self) -> Axis:
        return Axis(
            label=_("Kind"), key="kind", choices=[(k, str(v)) for k, v in Group.Kind.choices], show_unused=False
        )

    def groups_by_dimensions(self, first: ReportingDimension, second: ReportingDimension) -> Table:
        return pivot_table(
            self._groups(),
            self.dimension_axis(first, through="groups", outer="pk"),
            self.dimension_axis(second, through="groups", outer="pk"),
            id=f"groups-by-{first.slug}-x-{second.slug}",
            title=_("Groups by %(first)s and %(second)s") % {"first": first.name, "second": second.name},
            section=SECTION_STRUCTURE,
        )

    def groups_by_dimension_and_kind(self, dimension: ReportingDimension) -> Table:
        return pivot_table(
            self._groups(),
            self.dimension_axis(dimension, through="groups", outer="pk"),
            self._kind_axis(),
            id=f"groups-by-{dimension.slug}-x-kind",
            title=_("Groups by %(dimension)s and kind") % {"dimension": dimension.name},
            section=SECTION_STRUCTURE,
        )

    def groups_by_kind(self) -> Table:
        return count_table(
            self._groups(),
            self._kind_axis(),
            id="groups-by-kind",
            title=_("Groups by kind"),
            value_label=_("Groups"),
            section=SECTION_STRUCTURE,
        )

    def group_themes(self) -> Table:
        """Return each group's own themes (as set on the group), one column per theme: 1 where it has it."""
        table = pivot_table(
            self._groups(),
            self.group_axis(key="pk"),
            Axis(label=_("Theme"), key="themes__name", show_empty=False),
            id="group-themes",
            title=_("Themes of each group"),
            description=_("The themes set on each group; the meetings tables show which ones they covered."),
            chart="",
            section=SECTION_STRUCTURE,
            href=self._group_href,
        )
        if len(table.columns) == 1:  # no group has a theme: only the total column is left
            table.rows, table.total = [], None
            table.empty_message = _("No group has themes of its own yet.")
        return table

    def _partnerships(self):
        # The community as it is: ended partnerships stay on record but are no longer counted.
        return Partnership.objects.current().filter(community=self.community)

    def _role_axis(self) -> Axis:
        return Axis(label=_("Partner role"), key="role_id", choices=self.roles)

    def partners_by_country_and_role(self) -> Table:
        countries_axis = Axis(
            label=_("Country"), key="organization__country", label_of=_country_name, empty_label=_("No country")
        )
        return pivot_table(
            self._partnerships(),
            countries_axis,
            self._role_axis(),
            id="partners-by-country-x-role",
            title=_("Partners by country and role"),
            section=SECTION_STRUCTURE,
        )

    def partners_by_role_and_dimension(self, dimension: ReportingDimension) -> Table:
        return pivot_table(
            self._partnerships(),
            self._role_axis(),
            self.dimension_axis(dimension, through="partnerships", outer="pk"),
            id=f"partners-by-role-x-{dimension.slug}",
            title=_("Partners by role and %(dimension)s") % {"dimension": dimension.name},
            section=SECTION_STRUCTURE,
        )

    def partners_by_dimensions(self, first: ReportingDimension, second: ReportingDimension) -> Table:
        return pivot_table(
            self._partnerships(),
            self.dimension_axis(first, through="partnerships", outer="pk"),
            self.dimension_axis(second, through="partnerships", outer="pk"),
            id=f"partners-by-{first.slug}-x-{second.slug}",
            title=_("Partners by %(first)s and %(second)s") % {"first": first.name, "second": second.name},
            section=SECTION_STRUCTURE,
        )


def community_is_managed_by(*, user, community: Community) -> bool:
    """Return whether user may read community's reports: its coordinators (see communities.permissions)."""
    return permissions.can_manage(user, community)
