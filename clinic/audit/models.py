"""The access log: who looked at which patient's protected health information (DESIGN.md §6).

Append-only, and PostgreSQL says so (DESIGN.md §4.6): a trigger refuses every UPDATE and DELETE,
whoever sends it. Changes to clinical rows are kept by django-pghistory on those models instead.
"""

import pgtrigger
import uuid6
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models


class AccessEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        PRINT = "print", "Printed"
        EXPORT = "export", "Exported"
        SEARCH = "search", "Searched"

    # Time-ordered (RFC 9562 version 7; Python 3.14's uuid.uuid7): every page that shows a patient writes an event,
    # and a random id would land on a random page of this unique index, a page read in and written whole to the
    # WAL after each checkpoint once the log holds a million events (issue 13); each new id lands by the last one.
    public_id = models.UUIDField(default=uuid6.uuid7, unique=True, editable=False)
    # occurred_at, actor and patient_id are each the first column of a (…, occurred_at, id) index below, which
    # the log's and the report's keyset pages walk: an index of their own was one more to write on every page
    # view (issue 13).
    occurred_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="access_events",
        help_text="Empty when the patient opened their own link.", db_index=False,
    )
    actor_label = models.CharField(max_length=200, help_text="Who, as shown at the time (kept if a user is renamed).")
    # The patient's public id, not a foreign key: the log sits below the patients app (DESIGN.md §2)
    # and must outlive any change to the rows it speaks of.
    patient_id = models.UUIDField(null=True, blank=True)
    # A list or search page writes ONE event naming every patient it showed (issue 8, item 6), here; an event
    # about one patient uses patient_id. Part of the hash (clinic/audit/chain.py), only when not empty.
    patient_ids = ArrayField(models.UUIDField(), default=list, blank=True)
    object_type = models.CharField(max_length=100, help_text="What was seen, e.g. 'intake', 'session record'.")
    object_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.VIEW)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # Tamper evidence (issue 8, item 5): PostgreSQL numbers each event and hashes it with the previous one's
    # hash, under a lock, as it is inserted (audit migration 0003); `manage.py audit_verify` checks the chain.
    chain_seq = models.BigIntegerField(null=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            GinIndex(fields=["patient_ids"], name="access_event_patient_ids_gin"),
            # The newest events of one patient first, page by page (the access report, the log filtered to them).
            models.Index(fields=["patient_id", "-occurred_at", "-id"], name="access_event_patient_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=["view", "print", "export", "search"]), name="access_event_action_valid"
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="access_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M}"
        return f"{self.actor_label} {self.get_action_display().lower()} {self.object_type} at {when}"
