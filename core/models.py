"""The database's stand-in for the shared cache while Redis does not answer
(``core.cache``).

Neither table holds anything of its own: ``CacheFallbackEntry`` is Django's database cache table
(the columns ``createcachetable`` makes), so that ``migrate`` alone sets it up; ``CacheOutage``
records, per cache key prefix, whether the processes are serving from it now, so that the first
process to see Redis go (or come back) empties the store being switched to, once.
"""

from __future__ import annotations

from django.db import models


class CacheFallbackEntry(models.Model):
    """One cache entry, as ``django.core.cache.backends.db.DatabaseCache`` stores it."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "dojo_cache_fallback"

    def __str__(self) -> str:
        return self.cache_key


class CacheOutage(models.Model):
    """Whether the cache with this key prefix is served from the database now, and since when."""

    key_prefix = models.CharField(max_length=100, unique=True)
    down_since = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "dojo_cache_outage"

    def __str__(self) -> str:
        return f"{self.key_prefix}: {'down' if self.down_since else 'up'}"


class TaskFailure(models.Model):
    """How many times a Celery task has failed (raised), by task name, and when it last did:
    what ``/metrics`` reports as ``dojo_celery_task_failures_total`` (``core.metrics``). The
    workers run in other processes and containers than the web, so the count is kept here."""

    task = models.CharField(max_length=200, unique=True)
    count = models.PositiveBigIntegerField(default=0)
    last_failed_at = models.DateTimeField()

    class Meta:
        db_table = "dojo_task_failure"

    def __str__(self) -> str:
        return f"{self.task}: {self.count}"
