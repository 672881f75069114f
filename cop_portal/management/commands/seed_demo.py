"""Create the five launch communities with demo accounts; running it twice changes nothing."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from communities.models import Community, Group, Membership
from communities.services import membership_grant
from cop_portal import demo_data
from members.models import Organization, User

DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo password, refused outside DEMO_DATA_ALLOWED


class Command(BaseCommand):
    help = "Create the demo communities, organisations and accounts (password 'demo'). Idempotent."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is disabled in this environment (DEMO_DATA_ALLOWED is false).")
        with transaction.atomic():
            organizations = self._organizations()
            communities = self._communities()
            self._accounts(communities, organizations)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(communities)} communities."))

    def _organizations(self) -> dict[str, Organization]:
        result = {}
        for name, kind, country, region, city, _communities in demo_data.ORGANIZATIONS:
            org, _ = Organization.objects.update_or_create(
                name=name, country=country, defaults={"kind": kind, "region": region, "city": city}
            )
            result[name] = org
        return result

    def _communities(self) -> dict[str, Community]:
        result = {}
        for spec in demo_data.COMMUNITIES:
            community, _ = Community.objects.update_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "tagline": spec["tagline"],
                    "description": spec["description"],
                    "languages": spec["languages"],
                    "default_language": spec["default_language"],
                    "accent_color": spec["accent_color"],
                    "visibility": spec["visibility"],
                    "join_policy": spec["join_policy"],
                    "eligible_organization_kinds": spec["eligible"],
                },
            )
            for slug, name, kind, policy, eligible in spec["groups"]:
                Group.objects.update_or_create(
                    community=community,
                    slug=slug,
                    defaults={"name": name, "kind": kind, "join_policy": policy, "eligible_organization_kinds": eligible},
                )
            result[spec["slug"]] = community
        return result

    def _user(self, email: str, full_name: str, **extra) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name, **extra)
        else:
            for field, value in {"full_name": full_name, **extra}.items():
                setattr(user, field, value)
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _accounts(self, communities: dict[str, Community], organizations: dict[str, Organization]) -> None:
        self._user("admin@cop.demo", "Portal Administrator", is_staff=True, is_superuser=True)
        org_by_community = {}
        for name, _kind, _c, _r, _city, slugs in demo_data.ORGANIZATIONS:
            for slug in slugs:
                org_by_community.setdefault(slug, []).append(organizations[name])
        for slug, community in communities.items():
            orgs = org_by_community.get(slug, [])
            language = community.default_language
            coordinator = self._user(
                f"coordinator.{slug}@cop.demo",
                f"{community.name} Coordinator",
                organization=orgs[0] if orgs else None,
                language=language,
                job_title="Community coordinator",
            )
            membership_grant(user=coordinator, community=community, role=Membership.Role.COORDINATOR)
            member = self._user(
                f"member.{slug}@cop.demo",
                f"{community.name} Member",
                organization=orgs[-1] if orgs else None,
                language=language,
            )
            membership_grant(user=member, community=community, role=Membership.Role.MEMBER)
            first_group = community.groups.order_by("name").first()
            if first_group:
                membership_grant(user=member, community=community, group=first_group)
        for email, name, org, title, country, tz, language, expertise, places in demo_data.PEOPLE:
            person = self._user(
                email, name, organization=organizations[org], job_title=title, country=country, time_zone=tz,
                language=language,
            )
            person.expertise.set(expertise)
            for slug, role, group_slug in places:
                community = communities[slug]
                membership_grant(user=person, community=community, role=Membership.Role.MEMBER)
                if group_slug:
                    group = community.groups.get(slug=group_slug)
                    membership_grant(user=person, community=community, group=group, role=role)
