"""A fixed-window rate limiter in PostgreSQL: shared by every app server, no extra service (DESIGN.md §7)."""

from __future__ import annotations

import datetime
import hashlib

from django.db import connection
from django.utils import timezone

from clinic.audit.services import client_ip
from patients.models import RateLimitCounter


def hit(*, request, scope: str, limit: int, window: datetime.timedelta = datetime.timedelta(hours=1)) -> bool:
    """Count one request from this client in ``scope``; False once the window's ``limit`` is passed.

    The key is a hash of scope and address, so the table holds no addresses.
    """
    now = timezone.now()
    seconds = int(window.total_seconds())
    window_start = datetime.datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=datetime.UTC)
    key = hashlib.sha256(f"{scope}|{client_ip(request) or 'unknown'}".encode()).hexdigest()
    table = RateLimitCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, window_start, hits) VALUES (%s, %s, 1) "  # noqa: S608 (table name is ours)
            "ON CONFLICT (key, window_start) DO UPDATE SET hits = " + table + ".hits + 1 RETURNING hits",
            [key, window_start],
        )
        hits = cursor.fetchone()[0]
    if hits == 1 and now.minute == 0:  # now and then, forget old windows
        RateLimitCounter.objects.filter(window_start__lt=now - 2 * window).delete()
    return hits <= limit
