"""Create the five launch communities with their partners, labels and demo accounts.

Running it twice changes nothing: every row is looked up first and written only when
missing or different, in bulk where there are many (Con i Bambini's 249 funded projects),
so `make run` can call it every time.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from communities.models import (
    Community,
    CommunityEvent,
    DimensionValue,
    Group,
    Membership,
    MembershipEvent,
    PartnerRole,
    Partnership,
    ReportingDimension,
)
from communities.services import membership_grant
from cop_portal import demo_data
from members.models import Organization, User
from members.services import organization_propose

DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo password, refused outside DEMO_DATA_ALLOWED


def _update(obj, values: dict) -> bool:
    """Set values on obj and save the fields that changed; return whether anything did."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        extra = ["updated_at"] if any(f.name == "updated_at" for f in obj._meta.concrete_fields) else []
        obj.save(update_fields=changed + extra)
    return bool(changed)


class Command(BaseCommand):
    help = "Create the demo communities, partners, labels and accounts (password 'demo'). Idempotent."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is disabled in this environment (DEMO_DATA_ALLOWED is false).")
        # Hash the demo password once: a slow hasher per account would make every `make run` wait.
        self._password_hash = make_password(DEMO_PASSWORD)
        with transaction.atomic():
            organizations = self._organizations()
            communities = self._communities()
            values = self._dimensions(communities)
            self._label_groups(communities, values)
            roles = self._partner_roles(communities)
            self._partnerships(communities, organizations, roles, values)
            self._accounts(communities, organizations)
        # Meetings and knowledge stand on the communities and accounts above; both are idempotent.
        from knowledge.demo import seed_knowledge
        from meetings.demo import seed_meetings

        seed_meetings()
        seed_knowledge()
        # Discussions and announcements stand on the accounts and groups; idempotent, and they email nobody.
        from discussions.demo import seed_discussions

        seed_discussions()
        # Each community's theme vocabulary starts as the themes its objects carry (idempotent).
        from communities.services import themes_seed

        for community in communities.values():
            themes_seed(community=community)
        # Translations of each community's content into its other languages (idempotent).
        from cop_portal.demo_translations import seed_translations

        seed_translations()
        # What a coordinator finds in the console: a proposal to verify, and a history to read.
        with transaction.atomic():
            self._proposals(communities)
            self._console_history(communities)
        partnerships = Partnership.objects.filter(community__in=communities.values()).count()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {len(communities)} communities, {partnerships} partnerships.")
        )

    # --- organisations ----------------------------------------------------------------------------------

    def _organizations(self) -> dict[tuple[str, str], Organization]:
        specs = [
            {"name": name, "kind": kind, "country": country, "region": region, "city": city}
            for name, kind, country, region, city, _communities in demo_data.ORGANIZATIONS
        ]
        specs += [
            {"name": name, "kind": kind, "country": country, "region": region, "city": city}
            for name, kind, country, region, city in demo_data.EXTRA_ORGANIZATIONS
        ]
        specs += [{key: value for key, value in p.items() if key != "labels"} for p in demo_data.funded_projects()]
        names = [spec["name"] for spec in specs]

        def existing() -> dict[tuple[str, str], Organization]:
            return {(org.name, org.country.code): org for org in Organization.objects.filter(name__in=names)}

        found = existing()
        new, changed = [], []
        for spec in specs:
            org = found.get((spec["name"], spec["country"]))
            if org is None:
                new.append(Organization(**spec))
                continue
            fields = {name: spec[name] for name in ("kind", "region", "city")}
            if any(getattr(org, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(org, name, value)
                changed.append(org)
        Organization.objects.bulk_create(new)
        if changed:
            Organization.objects.bulk_update(changed, ["kind", "region", "city"])
        return existing() if new else found

    # --- communities, groups and their labels ---------------------------------------------------------

    def _communities(self) -> dict[str, Community]:
        result = {}
        for spec in demo_data.COMMUNITIES:
            fields = {
                "name": spec["name"],
                "tagline": spec["tagline"],
                "description": spec["description"],
                "languages": spec["languages"],
                "default_language": spec["default_language"],
                "language": spec["default_language"],  # the name and description are written in it
                "accent_color": spec["accent_color"],
                "visibility": spec["visibility"],
                "join_policy": spec["join_policy"],
                "eligible_organization_kinds": spec["eligible"],
                "region": spec["region"],
            }
            community = Community.objects.filter(slug=spec["slug"]).first()
            if community is None:
                community = Community.objects.create(slug=spec["slug"], **fields)
            else:
                _update(community, fields)
            if sorted(c.code for c in community.countries) != sorted(spec["countries"]):
                community.countries = spec["countries"]
                community.save(update_fields=["countries", "updated_at"])
            if sorted(community.themes.names()) != sorted(spec["themes"]):
                community.themes.set(spec["themes"])
            groups = {group.slug: group for group in community.groups.prefetch_related("themes")}
            for position, (slug, name, kind, policy, eligible) in enumerate(spec["groups"], start=1):
                fields = {
                    "name": name,
                    "kind": kind,
                    "join_policy": policy,
                    "eligible_organization_kinds": eligible,
                    "position": position,  # the order the programme gives its groups, as a coordinator sets it
                }
                if slug in groups:
                    group = groups[slug]
                    _update(group, fields)
                else:
                    group = Group.objects.create(community=community, slug=slug, **fields)
                themes = demo_data.group_themes(spec["slug"], slug)
                if sorted(tag.name for tag in group.themes.all()) != sorted(themes):
                    group.themes.set(themes)
            result[spec["slug"]] = community
        return result

    def _dimensions(self, communities) -> dict[tuple[str, str, str], DimensionValue]:
        values = {}
        for order, (slug, dimension_slug, name, value_specs) in enumerate(demo_data.DIMENSIONS):
            community = communities[slug]
            dimension, _ = ReportingDimension.objects.get_or_create(
                community=community, slug=dimension_slug, defaults={"name": name, "order": order}
            )
            _update(dimension, {"name": name})
            existing = {value.slug: value for value in dimension.values.all()}
            for value_order, (value_slug, value_name) in enumerate(value_specs):
                value = existing.get(value_slug)
                if value is None:
                    value = DimensionValue.objects.create(
                        dimension=dimension, slug=value_slug, name=value_name, order=value_order
                    )
                else:
                    _update(value, {"name": value_name, "order": value_order})
                values[(slug, dimension_slug, value_slug)] = value
        return values

    def _label_groups(self, communities, values) -> None:
        groups = {
            (group.community.slug, group.slug): group
            for group in Group.objects.filter(community__in=communities.values()).select_related("community")
        }
        through = Group.dimension_values.through
        links = [
            through(group_id=groups[key].pk, dimensionvalue_id=values[(key[0], dimension, value)].pk)
            for key, labels in demo_data.group_labels().items()
            for dimension, value in labels
        ]
        through.objects.bulk_create(links, ignore_conflicts=True)

    # --- partners ---------------------------------------------------------------------------------------

    def _partner_roles(self, communities) -> dict[tuple[str, str], PartnerRole]:
        roles = {}
        for slug, names in demo_data.PARTNER_ROLES.items():
            community = communities[slug]
            existing = {role.name: role for role in community.partner_roles.all()}
            for order, name in enumerate(names):
                role = existing.get(name) or PartnerRole.objects.create(community=community, name=name, order=order)
                _update(role, {"order": order})
                roles[(slug, name)] = role
        return roles

    def _partnerships(self, communities, organizations, roles, values) -> None:
        wanted = [
            (communities[slug], organizations[(name, country)], roles[(slug, role)], labels)
            for slug, name, country, role, labels in demo_data.PARTNERSHIPS
        ]
        funded = roles[("con-i-bambini", "Funded project")]
        wanted += [
            (communities["con-i-bambini"], organizations[(p["name"], p["country"])], funded, p["labels"])
            for p in demo_data.funded_projects()
        ]
        community_ids = [community.pk for community in communities.values()]

        def existing() -> dict[tuple[int, int, int], int]:
            rows = Partnership.objects.filter(community_id__in=community_ids)
            return {
                (c, o, r): pk for pk, c, o, r in rows.values_list("pk", "community_id", "organization_id", "role_id")
            }

        found = existing()
        new = [
            Partnership(community=community, organization=org, role=role)
            for community, org, role, _labels in wanted
            if (community.pk, org.pk, role.pk) not in found
        ]
        if new:
            Partnership.objects.bulk_create(new)
            found = existing()
        through = Partnership.dimension_values.through
        links = [
            through(
                partnership_id=found[(community.pk, org.pk, role.pk)],
                dimensionvalue_id=values[(community.slug, dimension, value)].pk,
            )
            for community, org, role, labels in wanted
            for dimension, value in labels
        ]
        through.objects.bulk_create(links, ignore_conflicts=True)

    # --- accounts -----------------------------------------------------------------------------------------

    def _user(self, email: str, full_name: str, **extra) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=full_name, password=self._password_hash, **extra)
            user.save()
        else:
            _update(user, {"full_name": full_name, **extra})
        address, created = EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if not created and not (address.verified and address.primary):
            address.verified = address.primary = True
            address.save(update_fields=["verified", "primary"])
        return user

    def _grant(self, user, community, *, role=Membership.Role.MEMBER, group=None) -> None:
        """Grant a membership unless it is already in place (the grant also syncs permissions: skip that work)."""
        key = (user.pk, community.pk, group.pk if group else None)
        if self._memberships.get(key) != (role, Membership.Status.ACTIVE):
            membership_grant(user=user, community=community, group=group, role=role)
            self._memberships[key] = (role, Membership.Status.ACTIVE)
            if group is not None:
                self._memberships.setdefault((user.pk, community.pk, None), (role, Membership.Status.ACTIVE))

    def _accounts(self, communities: dict[str, Community], organizations) -> None:
        self._memberships = {
            (user_id, community_id, group_id): (role, status)
            for user_id, community_id, group_id, role, status in Membership.objects.filter(
                user__email__endswith="@cop.demo"
            ).values_list("user_id", "community_id", "group_id", "role", "status")
        }
        by_name = {name: org for (name, _country), org in organizations.items()}
        self._user("admin@cop.demo", "Portal Administrator", is_staff=True, is_superuser=True)
        org_by_community = {}
        for name, _kind, _c, _r, _city, slugs in demo_data.ORGANIZATIONS:
            for slug in slugs:
                org_by_community.setdefault(slug, []).append(by_name[name])
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
            self._grant(coordinator, community, role=Membership.Role.COORDINATOR)
            member = self._user(
                f"member.{slug}@cop.demo",
                f"{community.name} Member",
                organization=orgs[-1] if orgs else None,
                language=language,
            )
            self._grant(member, community)
            first_group = community.groups.order_by("name").first()
            if first_group:
                self._grant(member, community, group=first_group)
        people = [
            (
                email,
                name,
                org,
                title,
                country,
                tz,
                language,
                expertise,
                [],
                "",
                demo_data.PEOPLE_FLAGS.get(email, {}),
                places,
            )
            for email, name, org, title, country, tz, language, expertise, places in demo_data.PEOPLE
        ] + list(demo_data.MORE_PEOPLE)
        for email, name, org, title, country, tz, language, expertise, spoken, bio, flags, places in people:
            person = self._user(
                email,
                name,
                organization=by_name[org],
                job_title=title,
                country=country,
                time_zone=tz,
                language=language,
                spoken_languages=spoken,
                bio=bio,
                **flags,
            )
            if sorted(person.expertise.names()) != sorted(expertise):
                person.expertise.set(expertise)
            for slug, role, group_slug in places:
                community = communities[slug]
                self._grant(person, community)
                if group_slug:
                    self._grant(person, community, role=role, group=community.groups.get(slug=group_slug))

    # --- the console: a proposal awaiting verification, and some history -------------------------------

    def _proposals(self, communities) -> None:
        """Make each PROPOSALS newcomer propose their organisation and ask to join (once; nobody is emailed)."""
        for slug, email, name, language, org_name, kind, country, city, message in demo_data.PROPOSALS:
            community = communities[slug]
            person = self._user(email, name, language=language, country=country)
            if not Organization.objects.filter(name=org_name, country=country).exists():
                organization_propose(by=person, name=org_name, kind=kind, country=country, city=city)
            membership, created = Membership.objects.get_or_create(
                user=person,
                community=community,
                group=None,
                defaults={"status": Membership.Status.PENDING, "message": message},
            )
            if created:
                MembershipEvent.objects.create(
                    membership=membership, actor=person, action=MembershipEvent.Action.REQUESTED, reason=message
                )

    def _console_history(self, communities) -> None:
        """Record, once, that each community's demo coordinator named its group facilitators."""
        coordinators = {
            user.email: user
            for user in User.objects.filter(email__in=[f"coordinator.{s}@cop.demo" for s in communities])
        }
        groups = {
            (group.community.slug, group.slug): group
            for group in Group.objects.filter(community__in=communities.values()).select_related("community")
        }
        recorded = set(
            CommunityEvent.objects.filter(
                community__in=communities.values(), action=CommunityEvent.Action.FACILITATOR_NAMED
            ).values_list("community_id", "group_id", "target")
        )
        people = [(email, name, places) for email, name, *_rest, places in demo_data.PEOPLE]
        people += [(email, name, places) for email, name, *_rest, places in demo_data.MORE_PEOPLE]
        new = []
        for _email, name, places in people:
            for slug, role, group_slug in places:
                if role != Membership.Role.FACILITATOR or not group_slug:
                    continue
                community, group = communities[slug], groups[(slug, group_slug)]
                if (community.pk, group.pk, name) in recorded:
                    continue
                new.append(
                    CommunityEvent(
                        community=community,
                        group=group,
                        actor=coordinators.get(f"coordinator.{slug}@cop.demo"),
                        action=CommunityEvent.Action.FACILITATOR_NAMED,
                        target=name,
                        changes={"role": ["", Membership.Role.FACILITATOR]},
                    )
                )
        CommunityEvent.objects.bulk_create(new)
