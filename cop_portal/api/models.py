"""Personal API tokens: stored hashed, shown once, with scopes, revocable."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> ApiTokenQuerySet:
        """Return the tokens that still open the API: not revoked (a revoked token answers 401)."""
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A person's key to the API: "Authorization: Token <prefix>.<secret>".

    Only the prefix (to find the row and to show the person which token is which) and a SHA-256
    of the whole key are kept; the key itself is shown once, when the token is created. A token
    acts as its person, never more: the scopes only narrow what it may do (read: GET only).
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix} ({self.name})"

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.WRITE
