"""Issue 8, item 5: the access log is a hash chain; audit_verify names the first broken link."""

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from clinic.audit.models import AccessEvent


def _event(label):
    return AccessEvent.objects.create(actor_label=label, object_type="chart", object_id="x", ip_address="10.1.2.3")


def _as_owner(*statements):
    """What someone with the tables' owner's password could do: switch the triggers off and edit a row."""
    owner = connection.settings_dict.get("OWNER") or connection.settings_dict
    conn = psycopg2.connect(dbname=connection.settings_dict["NAME"], user=owner["USER"],
                            password=owner.get("PASSWORD") or None, host=owner["HOST"], port=owner["PORT"])
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            for statement, params in statements:
                cursor.execute(statement, params)
    finally:
        conn.close()


@pytest.mark.django_db
def test_each_event_is_chained_to_the_one_before(manager_client):
    first, second = _event("one"), _event("two")
    first.refresh_from_db()
    second.refresh_from_db()
    assert len(first.hash) == 64 and second.prev_hash == first.hash
    assert second.chain_seq == first.chain_seq + 1
    page = manager_client.get(reverse("audit:access_log")).content.decode()
    assert AccessEvent.objects.order_by("-chain_seq").first().hash in page  # today's head


@pytest.mark.django_db(transaction=True)
def test_audit_verify_finds_a_row_edited_by_the_owner_with_the_triggers_off(capsys):
    events = [_event(f"person {n}") for n in range(5)]
    call_command("audit_verify")
    assert "intact: 5 events" in capsys.readouterr().out

    target = AccessEvent.objects.get(pk=events[2].pk)
    _as_owner(("ALTER TABLE audit_accessevent DISABLE TRIGGER USER", None),
              ("UPDATE audit_accessevent SET actor_label = 'Somebody else' WHERE id = %s", [target.pk]),
              ("ALTER TABLE audit_accessevent ENABLE TRIGGER USER", None))
    with pytest.raises(CommandError, match=f"event number {target.chain_seq} .*content does not match"):
        call_command("audit_verify")


@pytest.mark.django_db(transaction=True)
def test_audit_verify_finds_a_removed_row():
    events = [_event(f"person {n}") for n in range(4)]
    _as_owner(("ALTER TABLE audit_accessevent DISABLE TRIGGER USER", None),
              ("DELETE FROM audit_accessevent WHERE id = %s", [events[1].pk]),
              ("ALTER TABLE audit_accessevent ENABLE TRIGGER USER", None))
    with pytest.raises(CommandError, match="missing or out of order"):
        call_command("audit_verify")
