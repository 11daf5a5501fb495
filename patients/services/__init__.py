"""Every write that matters in the patients app (DESIGN.md §3): atomic, keyword-only, named <noun>_<verb>.

A broken rule raises one of the exceptions in ``errors``; views turn them into messages the user can act on."""

from .consent import (
    consent_document_current,
    consent_document_publish,
    consent_link_sign,
    consent_sign,
)
from .decisions import (
    dose_cap_mg_per_kg,
    intake_decide,
    rems_enrollment_record,
)
from .errors import (
    AlreadySigned,
    BadTransition,
    IntakeError,
    IntakeIncomplete,
    IntakeNotEditable,
    LinkUnusable,
)
from .intake import (
    DRAFT_MAX_CHARS,
    DRAFT_MAX_KEYS,
    DRAFT_MAX_VALUES_PER_KEY,
    assessment_record,
    clean_draft,
    intake_current_signature,
    intake_draft_save,
    intake_step_save,
    intake_submit,
    intake_urgent_acknowledge,
    intake_urgent_flag,
    urgent_oncall_notify,
)
from .links import (
    IssuedLink,
    _link_issue,
    consent_link_send,
    intake_self_refer,
    invitation_revoke,
    invitation_send,
    link_resolve,
)
from .patient_links import (
    link_attempts_left,
    link_lookup,
    link_open,
    link_token_new,
    link_url,
    link_verify_dob,
    links_end,
    token_hash,
)
from .requests import (
    intake_request_accept,
    intake_request_discard,
    intake_request_merge,
    intake_request_store,
)

__all__ = [
    "AlreadySigned",
    "BadTransition",
    "DRAFT_MAX_CHARS",
    "DRAFT_MAX_KEYS",
    "DRAFT_MAX_VALUES_PER_KEY",
    "IntakeError",
    "IntakeIncomplete",
    "IntakeNotEditable",
    "IssuedLink",
    "LinkUnusable",
    "_link_issue",
    "intake_request_accept",
    "intake_request_discard",
    "intake_request_merge",
    "intake_request_store",
    "assessment_record",
    "clean_draft",
    "consent_document_current",
    "consent_document_publish",
    "consent_link_send",
    "consent_link_sign",
    "consent_sign",
    "dose_cap_mg_per_kg",
    "intake_current_signature",
    "intake_decide",
    "intake_draft_save",
    "intake_self_refer",
    "intake_step_save",
    "intake_submit",
    "intake_urgent_acknowledge",
    "intake_urgent_flag",
    "urgent_oncall_notify",
    "invitation_revoke",
    "invitation_send",
    "link_attempts_left",
    "link_lookup",
    "link_open",
    "link_resolve",
    "link_token_new",
    "link_url",
    "links_end",
    "link_verify_dob",
    "rems_enrollment_record",
    "token_hash",
]
