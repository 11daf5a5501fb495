"""A small rate limiter kept in PostgreSQL, so that every app server shares the same counts (DESIGN.md §7)."""

from django.db import models


class RateLimitCounter(models.Model):
    """Hits on one key (a hash of scope and client address, never the address itself) in one time window."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="ratelimit_key_window")]
        indexes = [models.Index(fields=["window_start"], name="ratelimit_window_idx")]

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.hits} since {self.window_start:%H:%M}"
