from django.db import models


class Heartbeat(models.Model):
    """A row written by the ping task, proving a worker reached the database."""

    token = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.token
