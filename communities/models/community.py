"""Communities and their groups: the tenant and its sub-communities."""

import re

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from parler.models import TranslatableModelMixin
from taggit.managers import TaggableManager

from members.reversing import reverse_remembered

from ..querysets import CommunityQuerySet, GroupQuerySet

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open to anyone")
    APPROVAL = "approval", _("By request, approved by coordinators")
    INVITATION = "invitation", _("By invitation only")


def _language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class Community(TranslatableModelMixin, models.Model):
    """A community of practice: the tenant that owns groups, members, meetings and knowledge."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members only")
        HIDDEN = "hidden", _("Hidden")

    JoinPolicy = JoinPolicy

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("written in"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the name and description (empty: the community's default language)."),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True, help_text=_("Language codes, e.g. en, it."))
    default_language = models.CharField(_("default language"), max_length=8, choices=settings.LANGUAGES, default="en")
    accent_color = models.CharField(_("accent colour"), max_length=7, default="#1f5f8b", validators=[hex_colour])
    logo = models.ImageField(_("logo"), upload_to="communities/logos/", blank=True)
    # Made from logo by services.community_logo_variant_update: what pages show (a few KB, not the upload).
    logo_small = models.ImageField(
        _("small logo"),
        upload_to="communities/logos/small/",
        blank=True,
        editable=False,
        help_text=_("Made from the logo when it is saved: at most 128 pixels wide and high."),
    )
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)
    join_policy = models.CharField(_("join policy"), max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.OPEN)
    eligible_organization_kinds = models.JSONField(
        _("reserved to organisation kinds"),
        default=list,
        blank=True,
        help_text=_("Leave empty to let anyone join; otherwise only people from these kinds of organisation."),
    )
    countries = CountryField(_("countries"), multiple=True, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True, help_text=_("e.g. Emilia-Romagna"))
    themes = TaggableManager(verbose_name=_("themes"), blank=True)
    domain = models.CharField(
        _("own host name"), max_length=253, unique=True, null=True, blank=True, help_text=_("e.g. cop.rebuild.eu")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        permissions = [
            ("manage_community", _("Can manage the community, its members, meetings and knowledge")),
            ("translate_community", _("Can translate the community's name and description")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse_remembered("communities:home", kwargs={"community_slug": self.slug})

    @property
    def is_reserved(self) -> bool:
        return bool(self.eligible_organization_kinds)

    @property
    def content_language(self) -> str:
        """Return the language the name and description are written in."""
        return self.language or self.default_language

    def language_names(self) -> list[str]:
        names = dict(settings.LANGUAGES)
        return [str(names[code]) for code in self.languages if code in names]


def natural_key(name: str) -> str:
    """Return a sort key that orders names as people read them: "Team 2" before "Team 10"."""
    return re.sub(r"\d+", lambda match: match.group().zfill(12), (name or "").casefold().strip())[:255]


class Group(TranslatableModelMixin, models.Model):
    """A sub-community: a thematic CoP, a coordination team, a territorial group or a cohort.

    An archived group is read-only: it keeps its members, meetings, knowledge and
    discussions (and counts in reports), but nobody joins it or adds to it.
    """

    class Kind(models.TextChoices):
        THEMATIC = "thematic", _("Thematic community")
        COORDINATION = "coordination", _("Coordination team")
        TERRITORIAL = "territorial", _("Territorial group")
        COHORT = "cohort", _("Cohort")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Shown to everyone who can see the community")
        MEMBERS = "members", _("Shown to members of the community")
        PRIVATE = "private", _("Shown only to its members and the coordinators")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="groups")
    slug = models.SlugField(_("slug"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.THEMATIC)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("written in"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the name and description (empty: the community's default language)."),
    )
    join_policy = models.CharField(_("join policy"), max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.OPEN)
    eligible_organization_kinds = models.JSONField(_("reserved to organisation kinds"), default=list, blank=True)
    dimension_values = models.ManyToManyField(
        "DimensionValue", verbose_name=_("reporting labels"), blank=True, related_name="groups"
    )
    themes = TaggableManager(verbose_name=_("themes"), blank=True)
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Lower numbers are listed first."))
    sort_name = models.CharField(max_length=255, blank=True, editable=False, db_index=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["community", "position", "sort_name", "pk"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [models.UniqueConstraint(fields=["community", "slug"], name="group_unique_slug_per_community")]
        permissions = [
            ("manage_group", _("Can manage the group, its members and meetings")),
            ("translate_group", _("Can translate the group's name and description")),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.sort_name = natural_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse_remembered(
            "communities:group", kwargs={"community_slug": self.community.slug, "group_slug": self.slug}
        )

    @property
    def content_language(self) -> str:
        """Return the language the name and description are written in."""
        return self.language or self.community.default_language

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_reserved(self) -> bool:
        return bool(self.eligible_organization_kinds)
