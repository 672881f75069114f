"""How the isolation walk fills URL parameters.

tests/test_isolation.py visits every URL pattern that takes a community slug. For each
other parameter in such a pattern, register here a builder that creates a real object
inside the given community (name it with SECRET so the walk can look for leaks) and
returns the value to put in the URL. A pattern with an unregistered parameter fails the
walk, so no new URL escapes it.
"""

from collections.abc import Callable

SECRET = "SECRET-7f3a"

# Parameter name -> builder(community) -> value for the URL.
PARAM_BUILDERS: dict[str, Callable] = {}

# URL names (namespace:name) that may answer 200 to outsiders of a members-only community,
# because they show only the public card (name, tagline, description, how to join).
LANDING_URL_NAMES = {"communities:home"}


def register(name: str):
    def decorator(builder: Callable) -> Callable:
        PARAM_BUILDERS[name] = builder
        return builder

    return decorator


@register("group_slug")
def _group_slug(community):
    from tests.factories import GroupFactory

    return GroupFactory(community=community, name=f"Group {SECRET}", description=SECRET).slug


@register("user_id")
def _user_id(community):
    from tests.factories import UserFactory, make_member

    person = UserFactory(full_name=f"Listed {SECRET}", job_title=SECRET, listed_in_directory=True, show_email=True)
    return make_member(community, person).pk
