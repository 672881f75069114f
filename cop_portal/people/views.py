""" "Who knows what": find people by expertise across the communities the viewer belongs to."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from communities.selectors_people import (
    expertise_card,
    expertise_search,
    people_sharing_communities_with,
    shown_expertise,
)

PAGE_SIZE = 24


class ExpertiseSearchForm(forms.Form):
    expertise = forms.CharField(
        label=_("Expertise"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"list": "expertise-suggestions", "type": "search"}),
    )


@login_required
def people_search(request):
    """List people who share a community with the viewer and show the expertise searched for."""
    people = people_sharing_communities_with(viewer=request.user)
    form = ExpertiseSearchForm(request.GET or None)
    text = form.cleaned_data["expertise"].strip() if form.is_bound and form.is_valid() else ""
    page = None
    results = []
    if text:
        page = Paginator(expertise_search(people, text=text), PAGE_SIZE).get_page(request.GET.get("page"))
        results = [expertise_card(person, viewer=request.user) for person in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "text": text,
        "page": page,
        "results": results,
        "popular": shown_expertise(people, limit=30),
        "query_string": query.urlencode(),
    }
    return render(request, "search/people_search.html", context)
