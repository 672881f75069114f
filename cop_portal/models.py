from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """A row written by the ping task, proving a worker reached the database."""

    token = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.token


class ErasureRecord(models.Model):
    """That a person's account was erased: by whom, when, why; the erased person is only an id.

    Written by cop_portal.privacy.erasure.person_erase in the transaction that erases them.
    """

    erased_user_id = models.BigIntegerField(_("erased person (id)"), db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    by_themselves = models.BooleanField(_("by the person themselves"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now)

    class Meta:
        ordering = ["-erased_at", "-pk"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self) -> str:
        return f"#{self.erased_user_id} {self.erased_at:%Y-%m-%d}"


class DataExport(models.Model):
    """A person's request for a copy of their data, and the ZIP built for it (cop_portal.privacy.export).

    The file is stored under a private, unguessable path of the default storage and only ever served
    by the download view, to its person, while signed in, for EXPORT_VALID_DAYS.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    path = models.CharField(max_length=255, blank=True, editable=False)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")

    def __str__(self) -> str:
        return f"#{self.user_id} {self.requested_at:%Y-%m-%d}"


class PrivacyNotice(models.Model):
    """One version of the deployment's privacy notice; a new version is a new row, the page shows the latest."""

    body = models.TextField(_("text"), help_text=_("Plain text; blank lines separate paragraphs."))
    created_at = models.DateTimeField(_("published at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")

    def __str__(self) -> str:
        return f"v{self.pk} {self.created_at:%Y-%m-%d}"

    @property
    def version(self) -> int:
        return self.pk


class ConsentRecord(models.Model):
    """That a person accepted one version of the privacy notice, and when (at sign-up or later)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_consents")
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="consents")
    consented_at = models.DateTimeField(_("accepted at"), default=timezone.now)

    class Meta:
        ordering = ["-consented_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [models.UniqueConstraint(fields=["user", "notice"], name="consent_once_per_notice")]

    def __str__(self) -> str:
        return f"#{self.user_id} v{self.notice_id}"


# The API's personal tokens live with the API (cop_portal/api/); imported here so the app registers them.
from .api.models import ApiToken  # noqa: E402, F401
