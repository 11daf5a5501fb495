"""The access log's hash chain (issue 8, item 5). PostgreSQL computes it on insert (audit migration 0003);
this module recomputes it independently, for ``manage.py audit_verify``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC

CHAIN_FIELDS = ("chain_seq", "public_id", "occurred_at", "actor_id", "actor_label", "patient_id", "object_type",
                "object_id", "action", "ip_address", "user_agent", "patient_ids", "prev_hash", "hash", "id")

# The digest as PostgreSQL computes it; audit_verify must agree with it character for character.
DIGEST_SQL = """encode(sha256(convert_to(concat_ws('|', NEW.prev_hash, NEW.chain_seq::text, NEW.public_id::text,
    to_char(NEW.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), COALESCE(NEW.actor_id::text, ''),
    NEW.actor_label, COALESCE(NEW.patient_id::text, ''), NEW.object_type, NEW.object_id, NEW.action,
    COALESCE(host(NEW.ip_address), ''), NEW.user_agent), 'UTF8')), 'hex')"""

# Since audit migration 0005: the patients a list page showed, comma-separated, as a last part. concat_ws skips
# a NULL, so an event naming no list hashes exactly as before (older events stay valid).
DIGEST_WITH_PATIENTS_SQL = DIGEST_SQL.replace(
    "NEW.user_agent)", "NEW.user_agent, NULLIF(array_to_string(NEW.patient_ids, ','), ''))")


def event_digest(event: dict) -> str:
    parts = [
        event["prev_hash"], str(event["chain_seq"]), str(event["public_id"]),
        event["occurred_at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f"),
        "" if event["actor_id"] is None else str(event["actor_id"]), event["actor_label"],
        "" if event["patient_id"] is None else str(event["patient_id"]), event["object_type"], event["object_id"],
        event["action"], event["ip_address"] or "", event["user_agent"],
    ]
    if event.get("patient_ids"):
        parts.append(",".join(str(patient_id) for patient_id in event["patient_ids"]))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    chain_seq: int | None
    event_id: int
    reason: str


def chain_verify(events) -> tuple[int, BrokenLink | None]:
    """Walk ``events`` (dicts of CHAIN_FIELDS, in chain order); the number checked and the first broken link."""
    previous_hash, expected_seq, checked = "", 1, 0
    for event in events:
        if event["chain_seq"] != expected_seq:
            return checked, BrokenLink(event["chain_seq"], event["id"],
                                       f"expected event number {expected_seq} here: a row is missing or out of order")
        if event["prev_hash"] != previous_hash:
            return checked, BrokenLink(event["chain_seq"], event["id"],
                                       "its previous-hash is not the hash of the event before it")
        if event_digest(event) != event["hash"]:
            return checked, BrokenLink(event["chain_seq"], event["id"], "its content does not match its hash")
        previous_hash, expected_seq, checked = event["hash"], expected_seq + 1, checked + 1
    return checked, None
