"""Peer review pages: asking for a review, a round, reviewing, responding, closing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communities.access import door, resolve

from .. import services
from ..forms import ResponseForm, ReviewForm, ReviewRequestForm, add_service_errors
from ..models import ItemAuthor, Review, ReviewRound
from ..selectors import can_read_reviews, is_coordinator, is_item_author, reviews_for
from ._common import _refuse, _visible_item


@login_required
@door("content")
def review_request(request, community, knowledge_pk):
    item = _visible_item(request, community, knowledge_pk)
    if not (is_item_author(user=request.user, item=item) or is_coordinator(user=request.user, community=community)):
        messages.error(request, _("Only the authors can ask for a review."))
        return redirect(item)
    author_ids = list(ItemAuthor.objects.filter(item=item, user__isnull=False).values_list("user_id", flat=True))
    form = ReviewRequestForm(request.POST or None, community=community, exclude_ids=author_ids)
    if request.method == "POST" and form.is_valid():
        try:
            review_round = services.review_round_request(
                item=item,
                by=request.user,
                reviewers=form.cleaned_data["reviewers"],
                organizations=form.cleaned_data["organizations"],
                due_date=form.cleaned_data["due_date"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The reviewers were asked for their review."))
            return redirect(review_round)
    return render(request, "knowledge/review_request.html", {"community": community, "item": item, "form": form})


def _visible_round(request, community, round_pk):
    return resolve(
        request,
        ReviewRound.objects.visible_to(request.user)
        .filter(item__community=community)
        .select_related("item", "item__community", "requested_by")
        .annotate(review_count=Count("reviews", distinct=True), reviewer_count=Count("reviewers", distinct=True)),
        pk=round_pk,
    )


@door("content")
def review_round_detail(request, community, round_pk):
    """Show a round's state and due date to whoever sees the item; reviews only to authors, reviewers, coordinators."""
    review_round = _visible_round(request, community, round_pk)
    user = request.user
    privileged = can_read_reviews(user=user, review_round=review_round)
    is_reviewer = user.is_authenticated and review_round.reviewers.filter(pk=user.pk).exists()
    own_review = Review.objects.filter(round=review_round, reviewer=user).first() if is_reviewer else None
    is_author = is_item_author(user=user, item=review_round.item)
    manager = is_author or is_coordinator(user=user, community=community)
    context = {
        "community": community,
        "round": review_round,
        "item": review_round.item,
        "privileged": privileged,
        "reviews": reviews_for(user=user, review_round=review_round) if privileged else [],
        "reviewers": review_round.reviewers.select_related("organization") if privileged else [],
        "organizations": review_round.organizations.all() if privileged else [],
        "is_reviewer": is_reviewer,
        "own_review": own_review,
        "review_form": (
            ReviewForm(
                initial={
                    "strengths": own_review.strengths,
                    "weaknesses": own_review.weaknesses,
                    "recommendations": own_review.recommendations,
                    "opinion": own_review.opinion,
                }
                if own_review
                else None
            )
            if is_reviewer and review_round.is_open
            else None
        ),
        "response_form": (
            ResponseForm(initial={"response": review_round.author_response})
            if is_author and review_round.review_count and review_round.state != ReviewRound.State.CANCELLED
            else None
        ),
        "can_manage": manager and review_round.is_open,
    }
    return render(request, "knowledge/review_round.html", context)


@login_required
@door("content")
def review_submit(request, community, round_pk):
    review_round = _visible_round(request, community, round_pk)
    if request.method != "POST":
        return redirect(review_round)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in strengths, weaknesses, recommendations and an overall opinion."))
        return redirect(review_round)
    try:
        services.review_submit(review_round=review_round, by=request.user, **form.cleaned_data)
    except (PermissionDenied, ValidationError) as error:
        return _refuse(request, error, review_round)
    messages.success(request, _("Thank you: your review was saved."))
    return redirect(review_round)


@login_required
@door("content")
def review_respond(request, community, round_pk):
    review_round = _visible_round(request, community, round_pk)
    if request.method != "POST":
        return redirect(review_round)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a response first."))
        return redirect(review_round)
    try:
        services.review_respond(review_round=review_round, by=request.user, response=form.cleaned_data["response"])
    except (PermissionDenied, ValidationError) as error:
        return _refuse(request, error, review_round)
    messages.success(request, _("Your response was saved."))
    return redirect(review_round)


@login_required
@door("content")
def review_round_close(request, community, round_pk):
    review_round = _visible_round(request, community, round_pk)
    if request.method != "POST":
        return redirect(review_round)
    try:
        if request.POST.get("action") == "cancel":
            services.review_round_cancel(review_round=review_round, by=request.user)
            messages.success(request, _("The review round was cancelled."))
        else:
            services.review_round_complete(review_round=review_round, by=request.user)
            messages.success(request, _("The review round is completed."))
    except (PermissionDenied, ValidationError) as error:
        return _refuse(request, error, review_round)
    return redirect(review_round)
