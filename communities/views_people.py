"""The member directory of a community and its members' profiles: /c/<slug>/members/..."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Membership
from .selectors_people import (
    directory_people,
    is_active_member,
    member_profile,
    person_card,
    search_people,
    shown_countries,
    shown_expertise,
)

PAGE_SIZE = 24


class DirectorySearchForm(forms.Form):
    """The directory's search form, sent by GET so results can be bookmarked and work without JavaScript."""

    q = forms.CharField(label=_("Name or organisation"), required=False, max_length=100)
    expertise = forms.CharField(
        label=_("Expertise"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"list": "expertise-suggestions"}),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False)

    def __init__(self, *args, country_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any country"))] + [
            (code, countries.name(code)) for code in country_codes
        ]
        self.fields["role"].choices = [("", _("Any role")), *Membership.Role.choices]

    def filters(self) -> dict:
        """Return the valid filters; an invalid one is ignored (and its error shown)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in ("q", "expertise", "country", "role") if name in data}


def _require_member(request):
    if not is_active_member(viewer=request.user, community=request.community):
        raise Http404("Only members see the member directory.")


@login_required
def member_directory(request, community_slug):
    """List the community's members that the viewer may see, with search and pagination."""
    community = request.community
    _require_member(request)
    people = directory_people(viewer=request.user, community=community)
    form = DirectorySearchForm(request.GET or None, country_codes=shown_countries(people))
    filters = form.filters() if request.GET else {}
    results = search_people(
        people,
        text=filters.get("q", ""),
        expertise=filters.get("expertise", ""),
        country=filters.get("country", ""),
        role=filters.get("role", ""),
    )
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    cards = [person_card(person, viewer=request.user) for person in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "community": community,
        "form": form,
        "page": page,
        "cards": cards,
        "searching": any(filters.values()),
        "query_string": query.urlencode(),
        "expertise_suggestions": [name for name, _count in shown_expertise(people)],
    }
    return render(request, "communities/people/member_directory.html", context)


@login_required
def member_detail(request, community_slug, user_id):
    """Show a member's profile to another member of the community, as the person allows."""
    community = request.community
    _require_member(request)
    profile = member_profile(viewer=request.user, community=community, user_id=user_id)
    if profile is None:
        raise Http404("No such member here.")
    return render(request, "communities/people/member_detail.html", {"community": community, "profile": profile})
