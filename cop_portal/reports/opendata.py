"""Open data of a community: its public meetings, public knowledge metadata and partner list, as CSV and JSON.

Only public communities publish, and only what an anonymous visitor may already see:
the meetings and items are read through the same scoped querysets (`visible_to`) as for
a visitor who is not signed in, so members-only rows can never reach a file, whoever
downloads it. Every field is described once here; the README and the page are written
from these descriptions.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from taggit.models import TaggedItem

from communities.models import Community, DimensionValue, Membership, Partnership
from knowledge.models import KnowledgeItem, Licence
from meetings.models import Meeting
from members.csvsafe import csv_safe

FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Field:
    name: str
    description: str


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    fields: tuple[Field, ...]
    records: Callable[[object, Community], list[dict]]

    def file_name(self, file_format: str) -> str:
        return f"{self.slug}.{file_format}"


def publishes_open_data(community: Community) -> bool:
    """Return whether community publishes open data: only public communities do."""
    return community.visibility == Community.Visibility.PUBLIC


def is_member(*, user, community: Community) -> bool:
    return Membership.objects.active().community_level().filter(user=user, community=community).exists()


def _anonymous():
    return AnonymousUser()


def _themes_by_pk(rows: QuerySet) -> dict[int, str]:
    """Return {pk: "theme; theme"} for every row of rows, in one query on the tag links.

    Not prefetch_related("themes"): taggit builds one filter per object there, which cost
    seconds of Python for a community's tens of thousands of items.
    """
    through = rows.model.themes.through
    if through is TaggedItem:
        links = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(rows.model), object_id__in=rows.values("pk")
        ).values_list("object_id", "tag__name")
    else:
        links = through.objects.filter(content_object_id__in=rows.values("pk")).values_list(
            "content_object_id", "tag__name"
        )
    names: dict[int, list[str]] = defaultdict(list)
    for pk, name in links:
        names[pk].append(name)
    return {pk: "; ".join(sorted(found)) for pk, found in names.items()}


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _meeting_records(request, community: Community) -> list[dict]:
    meetings = (
        Meeting.objects.visible_to(_anonymous())
        .public()
        .filter(community=community, community__visibility=Community.Visibility.PUBLIC)
        .select_related("community", "group", "host_organization")
        .order_by("start", "pk")
    )
    themes = _themes_by_pk(meetings)
    return [
        {
            "id": meeting.pk,
            "title": meeting.title,
            "kind": meeting.kind,
            "format": meeting.format,
            "status": meeting.status,
            "start": _iso(meeting.start.astimezone(UTC)),
            "end": _iso(meeting.end.astimezone(UTC)),
            "time_zone": meeting.time_zone,
            "city": meeting.city,
            "country": str(meeting.country) if meeting.country else "",
            "group": meeting.group.name if meeting.group else "",
            "host_organisation": meeting.host_organization.name if meeting.host_organization else "",
            "themes": themes.get(meeting.pk, ""),
            "url": request.build_absolute_uri(meeting.get_absolute_url()),
        }
        for meeting in meetings
    ]


def _knowledge_records(request, community: Community) -> list[dict]:
    items = (
        KnowledgeItem.objects.visible_to(_anonymous())
        .filter(
            community=community,
            community__visibility=Community.Visibility.PUBLIC,
            status=KnowledgeItem.Status.PUBLISHED,
            visibility=KnowledgeItem.Visibility.PUBLIC,
        )
        .select_related("community")
        .order_by("-published_at", "pk")
    )
    themes = _themes_by_pk(items)
    return [
        {
            "id": item.pk,
            "title": item.title,
            "kind": item.kind,
            "language": item.language,
            "themes": themes.get(item.pk, ""),
            "published": _iso(item.published_at.date() if item.published_at else None),
            "licence": item.licence,
            "url": request.build_absolute_uri(item.get_absolute_url()),
        }
        for item in items
    ]


def _partner_records(request, community: Community) -> list[dict]:
    if not publishes_open_data(community):
        return []
    labels = DimensionValue.objects.select_related("dimension").order_by("dimension__order", "order")
    partnerships = (
        Partnership.objects.current()
        .filter(community=community)
        .select_related("organization", "role")
        .prefetch_related(Prefetch("dimension_values", queryset=labels))
        .order_by("role__order", "organization__name", "pk")
    )
    return [
        {
            "organisation": partnership.organization.name,
            "kind": partnership.organization.kind,
            "country": str(partnership.organization.country) if partnership.organization.country else "",
            "region": partnership.organization.region,
            "city": partnership.organization.city,
            "website": partnership.organization.website,
            "role": partnership.role.name,
            "since": _iso(partnership.since),
            "labels": "; ".join(
                f"{value.dimension.name}: {value.name}" for value in partnership.dimension_values.all()
            ),
        }
        for partnership in partnerships
    ]


def _choices(choices) -> str:
    return ", ".join(f"{value} ({label})" for value, label in choices)


def datasets() -> dict[str, Dataset]:
    """Return the open datasets with their fields described (in the active language)."""
    url = Field("url", _("Address of the page on this portal."))
    themes = Field("themes", _("Themes, separated by semicolons."))
    return {
        dataset.slug: dataset
        for dataset in [
            Dataset(
                slug="public-meetings",
                title=_("Public meetings"),
                description=_("The community's public meetings: past, upcoming and cancelled ones."),
                fields=(
                    Field("id", _("Number of the meeting on this portal.")),
                    Field("title", _("Title of the meeting.")),
                    Field("kind", _("Kind of meeting: %(choices)s.") % {"choices": _choices(Meeting.Kind.choices)}),
                    Field("format", _("Format: %(choices)s.") % {"choices": _choices(Meeting.Format.choices)}),
                    Field("status", _("Status: %(choices)s.") % {"choices": _choices(Meeting.Status.choices)}),
                    Field("start", _("Start, in UTC (ISO 8601).")),
                    Field("end", _("End, in UTC (ISO 8601).")),
                    Field("time_zone", _("Time zone the meeting was planned in (IANA name).")),
                    Field("city", _("City of an in-person or hybrid meeting; empty online.")),
                    Field("country", _("Country of the meeting (ISO 3166-1 alpha-2 code).")),
                    Field("group", _("Group of the community that holds it; empty for the whole community.")),
                    Field("host_organisation", _("Organisation hosting the meeting, if any.")),
                    themes,
                    url,
                ),
                records=_meeting_records,
            ),
            Dataset(
                slug="public-knowledge",
                title=_("Public knowledge"),
                description=_(
                    "Metadata of the community's published public knowledge items (not their text or files)."
                ),
                fields=(
                    Field("id", _("Number of the item on this portal.")),
                    Field("title", _("Title of the item.")),
                    Field("kind", _("Kind of item: %(choices)s.") % {"choices": _choices(KnowledgeItem.Kind.choices)}),
                    Field("language", _("Language of the item (ISO 639-1 code).")),
                    themes,
                    Field("published", _("Date of publication (ISO 8601).")),
                    Field(
                        "licence",
                        _("Licence of the item: %(choices)s; empty when none was chosen.")
                        % {"choices": _choices(Licence.choices)},
                    ),
                    url,
                ),
                records=_knowledge_records,
            ),
            Dataset(
                slug="partners",
                title=_("Partners"),
                description=_("The organisations taking part in the community, with their role in it."),
                fields=(
                    Field("organisation", _("Name of the organisation.")),
                    Field("kind", _("Kind of organisation: %(choices)s.") % {"choices": _organisation_kinds()}),
                    Field("country", _("Country of the organisation (ISO 3166-1 alpha-2 code).")),
                    Field("region", _("Region of the organisation.")),
                    Field("city", _("City of the organisation.")),
                    Field("website", _("Website of the organisation.")),
                    Field("role", _("The organisation's role in the community, as the community names it.")),
                    Field("since", _("Date the partnership began (ISO 8601), if known.")),
                    Field(
                        "labels", _("The community's reporting labels, as “dimension: value”, separated by semicolons.")
                    ),
                ),
                records=_partner_records,
            ),
        ]
    }


def _organisation_kinds() -> str:
    from members.models import Organization

    return _choices(Organization.Kind.choices)


def _dataset(slug: str) -> Dataset:
    found = datasets().get(slug)
    if found is None:
        raise Http404
    return found


def file_url(community: Community, dataset: str, file_format: str) -> str:
    return reverse(
        "reports:open_data_file",
        kwargs={"community_slug": community.slug, "dataset": dataset, "file_format": file_format},
    )


def dataset_summaries(community: Community) -> list[dict]:
    """Return each dataset with its file addresses and fields, for the open-data page."""
    return [
        {"dataset": dataset, "csv_url": file_url(community, slug, "csv"), "json_url": file_url(community, slug, "json")}
        for slug, dataset in datasets().items()
    ]


def _csv_text(dataset: Dataset, records: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[field.name for field in dataset.fields], lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        writer.writerow({name: csv_safe(value) for name, value in record.items()})
    return out.getvalue()


def _json_text(request, community: Community, dataset: Dataset, records: list[dict]) -> str:
    document = {
        "community": community.slug,
        "community_name": community.name,
        "dataset": dataset.slug,
        "title": dataset.title,
        "generated_at": timezone.now().astimezone(UTC).isoformat(),
        "source": request.build_absolute_uri(reverse("reports:open_data", kwargs={"community_slug": community.slug})),
        "fields": [{"name": field.name, "description": field.description} for field in dataset.fields],
        "records": records,
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def dataset_file(
    request, community: Community, *, dataset: str, file_format: str, records: list[dict] | None = None
) -> tuple[str, str]:
    """Return (file name, text) of one dataset in one format (from records, when already read)."""
    found = _dataset(dataset)
    if file_format not in FORMATS:
        raise Http404
    if records is None:
        records = found.records(request, community)
    text = _csv_text(found, records) if file_format == "csv" else _json_text(request, community, found, records)
    return found.file_name(file_format), text


def dataset_file_name(dataset: str, file_format: str) -> str:
    """Return the name of one dataset's file in one format (as in the bundle); 404 for an unknown one."""
    if file_format not in FORMATS:
        raise Http404
    return _dataset(dataset).file_name(file_format)


def open_headers(response: HttpResponse, filename: str, *, attachment: bool = False) -> HttpResponse:
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    response["X-Content-Type-Options"] = "nosniff"
    return response


def file_response(request, community: Community, *, dataset: str, file_format: str) -> HttpResponse:
    filename, text = dataset_file(request, community, dataset=dataset, file_format=file_format)
    content_type = "text/csv; charset=utf-8" if file_format == "csv" else "application/json; charset=utf-8"
    return open_headers(HttpResponse(text, content_type=content_type), f"{community.slug}-{filename}")


def readme_text(request, community: Community) -> str:
    return render_to_string(
        "reports/open_data_readme.txt",
        {
            "community": community,
            "datasets": list(datasets().values()),
            "generated_at": timezone.now(),
            "page_url": request.build_absolute_uri(
                reverse("reports:open_data", kwargs={"community_slug": community.slug})
            ),
        },
    )


def readme_response(request, community: Community) -> HttpResponse:
    return open_headers(
        HttpResponse(readme_text(request, community), content_type="text/plain; charset=utf-8"), "README.txt"
    )


def bundle_bytes(request, community: Community) -> bytes:
    """Return a zip of README.txt and every dataset as CSV and JSON."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("README.txt", readme_text(request, community))
        for slug, dataset in datasets().items():
            records = dataset.records(request, community)  # read once for both formats
            for file_format in FORMATS:
                filename, text = dataset_file(
                    request, community, dataset=slug, file_format=file_format, records=records
                )
                bundle.writestr(filename, text)
    return out.getvalue()


def bundle_response(request, community: Community) -> HttpResponse:
    response = HttpResponse(bundle_bytes(request, community), content_type="application/zip")
    return open_headers(response, f"{community.slug}-open-data.zip", attachment=True)
