"""The access log: who looked at which patient's protected health information (DESIGN.md §6).

Append-only, and PostgreSQL says so (DESIGN.md §4.6): a trigger refuses every UPDATE and DELETE,
whoever sends it. Changes to clinical rows are kept by django-pghistory on those models instead.
"""

import uuid

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from clinic.db import ModelFunc, column, table


class AccessEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        PRINT = "print", "Printed"
        EXPORT = "export", "Exported"
        SEARCH = "search", "Searched"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
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
    # Each is also a ListedPatient row, written by PostgreSQL (trigger access_event_listed_patients), which the
    # access report reads a patient's list events from, newest first.
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
            pgtrigger.Trigger(name="access_event_listed_patients", when=pgtrigger.After,
                              operation=pgtrigger.Insert,
                              condition=pgtrigger.Condition("cardinality(NEW.patient_ids) > 0"),
                              func=ModelFunc(lambda meta: _listed_patients_insert(meta))),
        ]

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M}"
        return f"{self.actor_label} {self.get_action_display().lower()} {self.object_type} at {when}"


class ListedPatient(models.Model):
    """A patient that a list or search page showed, one row per patient of an access event's ``patient_ids``,
    written by PostgreSQL as the event is (trigger ``access_event_listed_patients``), never by the app.

    The access report (patients/access_report.py) and the log filtered to one patient read a patient's list
    events newest first, a page at a time, down this table's key: (patient, when, event). A patient on the day
    board is named by every view of it (thousands a week); read through an index of the arrays, every one of them
    was read and sorted for a page of 50 (issue 13). Append-only, as the log is (audit migration 0008)."""

    pk = models.CompositePrimaryKey("patient_id", "occurred_at", "event_id")
    patient_id = models.UUIDField()
    occurred_at = models.DateTimeField()  # the event's, copied so that the key orders a patient's events by time
    # No foreign key constraint: checking it was a lookup per patient named (200 on the week's view), and both
    # tables are append-only, the row written with its event.
    event = models.ForeignKey(AccessEvent, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                              related_name="listed_patients")

    class Meta:
        triggers = [pgtrigger.Protect(name="listed_patient_append_only",
                                      operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.patient_id} listed by event {self.event_id}"


def _listed_patients_insert(meta) -> str:
    """The body of trigger ``access_event_listed_patients``: a row per patient the new event names, each once."""
    listed = ListedPatient._meta
    return f"""
    INSERT INTO {table(ListedPatient)} ({column(listed, "patient_id")}, {column(listed, "occurred_at")},
        {column(listed, "event")})
    SELECT DISTINCT named, NEW.{column(meta, "occurred_at")}, NEW.{column(meta, "id")}
    FROM unnest(NEW.{column(meta, "patient_ids")}) AS named;
    RETURN NULL;
    """  # noqa: S608 (tables and columns from _meta, quoted)
