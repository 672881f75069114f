"""The console's webhooks: endpoints of the community (add, edit, disable, enable, delete, new secret) and their log.

Coordinators only (communities.permissions through coordinator_only); everyone else gets 404.
Every write is one service call of communities.webhooks.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import WebhookDelivery, WebhookEndpoint
from ..webhooks.forms import EndpointForm
from ..webhooks.services import (
    WebhookError,
    delivery_redeliver,
    endpoint_create,
    endpoint_delete,
    endpoint_disable,
    endpoint_enable,
    endpoint_rotate_secret,
    endpoint_update,
)
from ._common import _post_only
from ._console import coordinator_only

LOG_SIZE = 50


def _list_url(community) -> str:
    return reverse("communities:manage_webhooks", kwargs={"community_slug": community.slug})


def _context(community, **extra) -> dict:
    return {"community": community, "is_coordinator": True, "console_section": "webhooks", **extra}


@login_required
def manage_webhooks(request, community_slug):
    """List the community's endpoints with how their deliveries went."""
    community = coordinator_only(request)
    State = WebhookDelivery.State
    endpoints = WebhookEndpoint.objects.filter(community=community).annotate(
        delivered=Count("deliveries", filter=Q(deliveries__state=State.SUCCEEDED)),
        pending=Count("deliveries", filter=Q(deliveries__state=State.PENDING)),
        failed=Count("deliveries", filter=Q(deliveries__state=State.FAILED)),
    )
    context = _context(community, console_title=_("Webhooks"), endpoints=list(endpoints.order_by("pk")))
    return render(request, "communities/console/webhooks.html", context)


@login_required
def manage_webhook_add(request, community_slug):
    """Show the form to register an endpoint; a POST registers it."""
    community = coordinator_only(request)
    form = EndpointForm(request.POST if request.method == "POST" else None, initial={"events": []})
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = endpoint_create(community=community, by=request.user, **form.cleaned_data)
        except WebhookError as error:
            form.add_error(None, error.text)
        else:
            messages.success(request, _("The endpoint is registered. Copy its signing secret below into your system."))
            return redirect(_endpoint_url(endpoint))
    context = _context(community, console_title=_("Add a webhook endpoint"), form=form)
    return render(request, "communities/console/webhook_form.html", context, status=400 if form.errors else 200)


def _endpoint_url(endpoint: WebhookEndpoint) -> str:
    return reverse(
        "communities:manage_webhook",
        kwargs={"community_slug": endpoint.community.slug, "webhook_pk": endpoint.pk},
    )


def _endpoint(request, webhook_pk: int) -> WebhookEndpoint:
    community = coordinator_only(request)
    endpoint = get_object_or_404(WebhookEndpoint.objects.filter(community=community), pk=webhook_pk)
    endpoint.community = community  # the same row, already read
    return endpoint


@login_required
def manage_webhook(request, community_slug, webhook_pk):
    """Show an endpoint (its form, secret and delivery log); a POST saves the form."""
    endpoint = _endpoint(request, webhook_pk)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint_update(endpoint=endpoint, by=request.user, **form.cleaned_data)
        except WebhookError as error:
            form.add_error(None, error.text)
        else:
            messages.success(request, _("The endpoint is saved."))
            return redirect(_endpoint_url(endpoint))
    deliveries = list(WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk")[:LOG_SIZE])
    context = _context(
        endpoint.community,
        console_title=_("Webhook endpoint"),
        endpoint=endpoint,
        form=form,
        deliveries=deliveries,
        log_size=LOG_SIZE,
    )
    return render(request, "communities/console/webhook_detail.html", context, status=400 if form.errors else 200)


def _write(request, webhook_pk, action, success: str, *, to_list: bool = False):
    endpoint = _endpoint(request, webhook_pk)
    if (response := _post_only(request)) is not None:
        return response
    try:
        action(endpoint=endpoint, by=request.user)
    except WebhookError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, success)
    return redirect(_list_url(endpoint.community) if to_list else _endpoint_url(endpoint))


@login_required
def manage_webhook_disable(request, community_slug, webhook_pk):
    return _write(request, webhook_pk, endpoint_disable, _("The endpoint is disabled: nothing is sent to it."))


@login_required
def manage_webhook_enable(request, community_slug, webhook_pk):
    return _write(request, webhook_pk, endpoint_enable, _("The endpoint is enabled: new events are sent to it."))


@login_required
def manage_webhook_rotate(request, community_slug, webhook_pk):
    return _write(
        request,
        webhook_pk,
        endpoint_rotate_secret,
        _("The endpoint has a new signing secret: every delivery from now on is signed with it."),
    )


@login_required
def manage_webhook_delete(request, community_slug, webhook_pk):
    return _write(request, webhook_pk, endpoint_delete, _("The endpoint and its log are deleted."), to_list=True)


@login_required
def manage_webhook_redeliver(request, community_slug, webhook_pk, delivery_pk):
    endpoint = _endpoint(request, webhook_pk)
    delivery = get_object_or_404(WebhookDelivery.objects.filter(endpoint=endpoint), pk=delivery_pk)
    delivery.endpoint = endpoint
    if (response := _post_only(request)) is not None:
        return response
    try:
        delivery_redeliver(delivery=delivery, by=request.user)
    except WebhookError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("The event is on its way again."))
    return redirect(_endpoint_url(endpoint))
