import factory
from allauth.account.models import EmailAddress

from communities.models import Community, Group, Membership
from communities.services import membership_grant
from members.models import Organization, User


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organization.Kind.MUNICIPALITY
    country = "IT"
    city = "Bologna"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password("a-long-test-password")
    time_zone = "Europe/Rome"
    language = "en"

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    slug = factory.Sequence(lambda n: f"community-{n}")
    name = factory.Sequence(lambda n: f"Community {n}")
    tagline = "Peers learning from each other."
    description = "A community of practice."
    languages = ["en", "it"]
    visibility = Community.Visibility.PUBLIC
    join_policy = Community.JoinPolicy.OPEN


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    community = factory.SubFactory(CommunityFactory)
    slug = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Group {n}")


def make_member(community, user=None, role=Membership.Role.MEMBER, group=None):
    """Return user (a new one by default), made an active member of community with role."""
    user = user or UserFactory()
    membership_grant(user=user, community=community, group=group, role=role)
    return user
