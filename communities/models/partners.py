"""Partner organisations of a community and its reporting dimensions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Organization

from ..querysets import PartnershipQuerySet
from .community import Community


class ReportingDimension(models.Model):
    """A way a community labels its groups and partners for reports, e.g. "Funding call"."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="dimensions")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["community", "order", "name"]
        verbose_name = _("reporting dimension")
        verbose_name_plural = _("reporting dimensions")
        constraints = [models.UniqueConstraint(fields=["community", "slug"], name="dimension_unique_slug")]

    def __str__(self) -> str:
        return self.name


class DimensionValue(models.Model):
    """One value of a reporting dimension, e.g. "Prima Infanzia 2016" or "Sud e Isole"."""

    dimension = models.ForeignKey(ReportingDimension, on_delete=models.CASCADE, related_name="values")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["dimension", "order", "name"]
        verbose_name = _("reporting label")
        verbose_name_plural = _("reporting labels")
        constraints = [models.UniqueConstraint(fields=["dimension", "slug"], name="dimension_value_unique_slug")]

    def __str__(self) -> str:
        return f"{self.dimension.name}: {self.name}"


class PartnerRole(models.Model):
    """A label a community gives its partners, e.g. "Multiply City" or "Funded project"."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="partner_roles")
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["community", "order", "name"]
        verbose_name = _("partner role")
        verbose_name_plural = _("partner roles")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="partner_role_unique_name")]

    def __str__(self) -> str:
        return self.name


class Partnership(models.Model):
    """An organisation's part in a community, under one of the community's partner roles."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="partnerships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="partnerships")
    role = models.ForeignKey(PartnerRole, on_delete=models.PROTECT, related_name="partnerships")
    dimension_values = models.ManyToManyField(
        DimensionValue, verbose_name=_("reporting labels"), blank=True, related_name="partnerships"
    )
    since = models.DateField(_("since"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True, help_text=_("Empty while the partnership lasts."))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["community", "role", "organization"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [models.UniqueConstraint(fields=["community", "organization", "role"], name="partnership_unique")]

    def __str__(self) -> str:
        return f"{self.organization} – {self.role} ({self.community})"

    @property
    def is_ended(self) -> bool:
        return self.ended_on is not None and self.ended_on <= partnership_today()


def partnership_today():
    """Return today in the deployment's time zone (settings.TIME_ZONE): the day partnerships are dated by.

    A partnership ends for everyone at once: dated in each reader's zone, one a coordinator ended late
    in their evening still showed to readers in a zone where that day had not yet come.
    """
    from django.utils import timezone

    return timezone.localdate(timezone=timezone.get_default_timezone())
