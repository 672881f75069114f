"""Resolve the community of a request once, into request.community."""

from django.http import Http404
from django.utils.functional import SimpleLazyObject

from . import permissions
from .models import Community

# Paths that belong to the portal as a whole, even on a community's own host name.
GLOBAL_PREFIXES = (
    "/c/",
    "/static/",
    "/media/",
    "/accounts/",
    "/admin/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/i18n/",
    "/me/",
    "/people/",
    "/invitations/",
    "/accessibility/",
    "/privacy/",
    "/inbound/",  # the mail provider's webhook (discussions): one address for the whole portal
    "/api/",  # the REST API (cop_portal.api): one address for the whole portal
)
# The REST API finds its community itself, after it has read the request's token (which this
# middleware, running before the view, cannot know): its scoped lookup answers 404 in JSON.
SELF_SCOPED_PREFIXES = ("/api/",)


def _may_be_a_community_host(host: str) -> bool:
    """Return whether host could be a community's own host name (services.community.host_name_error).

    The portal's own host, a name without a dot (localhost) and an IPv4 address never are: the
    requests most pages get ask no query to learn that.
    """
    from .services.community import portal_host

    labels = host.split(".")
    return len(labels) >= 2 and not labels[-1].isdigit() and host != portal_host()


def _host_community(request):
    host = request.get_host().split(":")[0].lower()
    if not _may_be_a_community_host(host):
        return None
    return Community.objects.filter(domain=host).first()


class CommunityMiddleware:
    """Find the community from the host name or the /c/<slug>/ prefix.

    A community bound to its own host name is served at "/" there: the path is
    mapped onto /c/<slug>/ so the same views and scoping rules apply. A slug that
    is unknown, or hidden from the visitor, answers 404 before any view runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.community = None
        try:
            host_community = _host_community(request)
        except Exception:  # noqa: BLE001 - an unmigrated database must not break /healthz
            host_community = None
        if host_community is not None and not request.path_info.startswith(GLOBAL_PREFIXES):
            request.path_info = f"/c/{host_community.slug}{request.path_info}"
        request.host_community = host_community
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        # A read-only request: the same permission question asked by several parts of a page is
        # answered once (communities.permissions.request_answers).
        with permissions.request_answers():
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("community_slug")
        if request.path_info.startswith(SELF_SCOPED_PREFIXES):
            return None
        if slug is None:
            # A page of no one community (search, /me/, the directory...): the signed-in person's
            # memberships are read now, before the view builds its querysets, so that the permission
            # rules in them are the person's ids (permissions.person) rather than nested subqueries.
            # The header reads them on every page anyway: the same one query, earlier.
            if request.method in ("GET", "HEAD"):
                permissions.known_person(request.user)
            return None
        # A member's own community is already in the memberships read for this request (one query
        # shared with the header and every permission answer); anyone else's is looked up.
        person = permissions.known_person(request.user, slug)
        community = person.community(slug) if person is not None else None
        if community is None:
            community = Community.objects.visible_to(request.user).filter(slug=slug).first()
        if community is None:
            raise Http404("No such community.")
        request.community = community
        request.community_role = SimpleLazyObject(lambda: _role(request.user, community))
        return None


def _role(user, community):
    from .selectors import community_role

    return community_role(user=user, community=community)
