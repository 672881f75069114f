"""Applications seen by their reviewers and organisers: the list, one application to score, setup, decisions.

Access: the list and the review page are for the meeting's reviewers (its organisers, and the
members they named); setup and decisions for its organisers. Anyone else, a plain member who
sees the meeting included, gets 404, as for a meeting they cannot see: the applicants' answers
are not theirs to know exist. Every decision is in communities.permissions (through the
meeting's reviewable_by and manageable_by querysets).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communities.access import deny
from members.models import User

from .. import selectors, selectors_applications, services
from ..forms_applications import ApplicationSetupForm, CriterionForm, DecideForm, QuotaForm, ReviewerForm, ScoreForm
from ..models import Criterion, Meeting, Quota, Registration
from ._common import _apply_errors, _visible


def _reviewed(request, meeting_pk):
    """Return (meeting, organiser?) when the visitor reviews meeting_pk's applications; else raise/deny."""
    meeting = (
        _visible(request)
        .filter(pk=meeting_pk, pk__in=Meeting.objects.reviewable_by(request.user).values("pk"))
        .select_related("community")
        .first()
    )
    if meeting is None:
        return None, False, deny(request)
    organiser = selectors.can_manage(user=request.user, meeting=meeting)
    return meeting, organiser, None


def _organising(request, meeting_pk):
    meeting, organiser, response = _reviewed(request, meeting_pk)
    if response:
        return None, response
    if not organiser:
        raise Http404
    return meeting, None


def _not_applications(request, meeting):
    messages.info(request, _("This meeting does not take applications: set its registration to applications first."))
    return redirect(meeting)


def _list_url(meeting):
    return redirect("meetings:applications", community_slug=meeting.community.slug, meeting_pk=meeting.pk)


def applications(request, community_slug, meeting_pk):
    meeting, organiser, response = _reviewed(request, meeting_pk)
    if response:
        return response
    if not meeting.takes_applications:
        return _not_applications(request, meeting)
    quotas = list(Quota.objects.filter(meeting=meeting))
    filters = selectors_applications.filters_from(request.GET, quotas)
    rows = selectors_applications.application_rows(
        meeting=meeting, viewer=request.user, organiser=organiser, filters=filters
    )
    return render(
        request,
        "meetings/applications.html",
        {
            "community": request.community,
            "meeting": meeting,
            "rows": rows,
            "organiser": organiser,
            "filters": filters,
            "status_choices": selectors_applications.status_choices(),
            "country_choices": selectors_applications.country_choices(meeting),
            "quota_choices": [(quota.pk, services.quota_label(quota)) for quota in quotas],
            "criteria_count": Criterion.objects.filter(meeting=meeting).count(),
            "setup": services.application_setup_of(meeting),
        },
    )


def application_review(request, community_slug, meeting_pk, registration_pk):
    meeting, organiser, response = _reviewed(request, meeting_pk)
    if response:
        return response
    if not meeting.takes_applications:
        return _not_applications(request, meeting)
    registration = (
        Registration.objects.filter(meeting=meeting, pk=registration_pk, application__isnull=False)
        .select_related("application", "user", "user__organization", "meeting__community")
        .first()
    )
    if registration is None:
        raise Http404
    detail = selectors_applications.application_detail(
        registration=registration, viewer=request.user, organiser=organiser
    )
    initial = {f"c{pk}": value for pk, value in detail["my_scores"].items()}
    if detail["my_review"] is not None:
        initial["comment"] = detail["my_review"].comment
    form = ScoreForm(request.POST or None, criteria=detail["criteria"], initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_submit(
                registration=registration,
                reviewer=request.user,
                scores=form.scores(),
                comment=form.cleaned_data.get("comment", ""),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect(
                "meetings:application_review",
                community_slug=community_slug,
                meeting_pk=meeting.pk,
                registration_pk=registration.pk,
            )
    return render(
        request,
        "meetings/application_review.html",
        {
            "community": request.community,
            "meeting": meeting,
            "registration": registration,
            "organiser": organiser,
            "form": form,
            "editable": registration.status != Registration.Status.CANCELLED,
            **detail,
        },
    )


def _setup_action(request, meeting) -> tuple[bool, dict]:
    """Run the POSTed setup action; return (done, forms with errors to show)."""
    action = request.POST.get("action", "")
    by = request.user
    forms: dict = {}
    try:
        if action == "settings":
            form = forms["settings_form"] = ApplicationSetupForm(request.POST)
            if form.is_valid():
                services.application_setup_update(meeting=meeting, by=by, **form.cleaned_data)
                messages.success(request, _("Settings saved."))
                return True, forms
        elif action == "criterion_add":
            form = forms["criterion_form"] = CriterionForm(request.POST)
            if form.is_valid():
                criterion = services.criterion_add(meeting=meeting, by=by, **form.cleaned_data)
                messages.success(request, _("Criterion added: %(name)s") % {"name": criterion.name})
                return True, forms
        elif action == "criterion_delete":
            criterion = Criterion.objects.filter(meeting=meeting, pk=request.POST.get("pk") or 0).first()
            if criterion is not None:
                services.criterion_delete(criterion=criterion, by=by)
                messages.success(request, _("Criterion removed: %(name)s") % {"name": criterion.name})
            return True, forms
        elif action == "quota_add":
            form = forms["quota_form"] = QuotaForm(request.POST, partner_roles=meeting.community.partner_roles.all())
            if form.is_valid():
                quota = services.quota_set(
                    meeting=meeting,
                    by=by,
                    kind=form.cleaned_data["kind"],
                    value=form.value(),
                    limit=form.cleaned_data["limit"],
                )
                messages.success(request, _("Quota saved: %(quota)s") % {"quota": services.quota_label(quota)})
                return True, forms
        elif action == "quota_delete":
            quota = Quota.objects.filter(meeting=meeting, pk=request.POST.get("pk") or 0).first()
            if quota is not None:
                services.quota_delete(quota=quota, by=by)
                messages.success(request, _("Quota removed."))
            return True, forms
        elif action == "reviewer_add":
            form = forms["reviewer_form"] = ReviewerForm(request.POST)
            if form.is_valid():
                person = User.objects.filter(email__iexact=form.cleaned_data["email"], is_active=True).first()
                if person is None:
                    raise ValidationError({"email": _("Only active members of the community can review.")})
                services.reviewer_add(meeting=meeting, by=by, user=person)
                messages.success(
                    request, _("%(name)s now reviews the applications.") % {"name": person.get_full_name()}
                )
                return True, forms
        elif action == "reviewer_remove":
            person = services.reviewers_of(meeting).filter(pk=request.POST.get("pk") or 0).first()
            if person is not None:
                services.reviewer_remove(meeting=meeting, by=by, user=person)
                messages.success(request, _("%(name)s no longer reviews.") % {"name": person.get_full_name()})
            return True, forms
    except ValidationError as error:
        for form in forms.values():
            _apply_errors(form, error)
        if not forms:
            messages.error(request, " ".join(error.messages))
    return False, forms


def applications_setup(request, community_slug, meeting_pk):
    """Criteria, quotas, reviewers and settings of a meeting's applications (organisers)."""
    meeting, response = _organising(request, meeting_pk)
    if response:
        return response
    if request.method == "POST":
        done, bound = _setup_action(request, meeting)
        if done:
            return redirect("meetings:applications_setup", community_slug=community_slug, meeting_pk=meeting.pk)
    else:
        bound = {}
    setup = services.application_setup_of(meeting)
    roles = meeting.community.partner_roles.all()
    quotas = list(Quota.objects.filter(meeting=meeting))
    return render(
        request,
        "meetings/applications_setup.html",
        {
            "community": request.community,
            "meeting": meeting,
            "setup": setup,
            "criteria": list(Criterion.objects.filter(meeting=meeting).order_by("position", "pk")),
            "quotas": [(quota, services.quota_label(quota)) for quota in quotas],
            "reviewers": list(services.reviewers_of(meeting)),
            "settings_form": bound.get("settings_form")
            or ApplicationSetupForm(
                initial={
                    "confirm_within_days": setup.confirm_within_days,
                    "disagreement_threshold": setup.disagreement_threshold,
                }
            ),
            "criterion_form": bound.get("criterion_form") or CriterionForm(),
            "quota_form": bound.get("quota_form") or QuotaForm(partner_roles=roles),
            "reviewer_form": bound.get("reviewer_form") or ReviewerForm(),
        },
    )


def applications_decide(request, community_slug, meeting_pk):
    """Decide in one step: a preview first (POST without confirm), then the decision (POST with confirm)."""
    meeting, response = _organising(request, meeting_pk)
    if response:
        return response
    if not meeting.takes_applications:
        return _not_applications(request, meeting)
    candidates = services.ranked(meeting, (Registration.Status.PENDING, Registration.Status.WAITLISTED))
    form = DecideForm(request.POST or None, candidates=candidates, initial={"top": _seats_hint(meeting)})
    plan = None
    if request.method == "POST" and form.is_valid():
        args = form.plan_args()
        try:
            if request.POST.get("confirm"):
                done = services.selection_apply(
                    meeting=meeting, by=request.user, digest=form.cleaned_data.get("digest") or "", **args
                )
                messages.success(
                    request,
                    _(
                        "Decided: %(accepted)d accepted, %(waitlisted)d waitlisted, %(rejected)d rejected. "
                        "Each person is emailed in their language."
                    )
                    % {
                        "accepted": done.count("accept"),
                        "waitlisted": done.count("waitlist"),
                        "rejected": done.count("reject"),
                    },
                )
                return _list_url(meeting)
            plan = services.plan_selection(meeting=meeting, **args)
        except ValidationError as error:
            if getattr(error, "code", "") == "plan_changed":
                messages.warning(request, " ".join(error.messages))
                plan = services.plan_selection(meeting=meeting, **args)
            else:
                _apply_errors(form, error)
    averages = {c.registration.pk: c.average for c in candidates}
    return render(
        request,
        "meetings/applications_decide.html",
        {
            "community": request.community,
            "meeting": meeting,
            "form": form,
            "candidates": candidates,
            "averages": averages,
            "plan": plan,
            "selected_ids": {int(pk) for pk in request.POST.getlist("selected") if pk.isdigit()},
            "seats_hint": _seats_hint(meeting),
        },
    )


def _seats_hint(meeting) -> int | None:
    if meeting.capacity is None:
        return None
    taken = Registration.objects.filter(meeting=meeting).seats_taken().count()
    return max(meeting.capacity - taken, 0)
