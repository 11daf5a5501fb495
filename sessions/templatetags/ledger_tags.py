"""The ledger's and REMS's line on the staff home page (a small include; the home view knows nothing of them)."""

from django import template

register = template.Library()


@register.inclusion_tag("sessions/ledger/includes/_home_alerts.html", takes_context=True)
def ledger_home_alerts(context):
    from sessions.selectors.ledger import open_discrepancies_count
    from sessions.selectors.rems import rems_due_count

    user = context["request"].user
    return {
        "rems_due": rems_due_count() if user.has_perm("clinic_sessions.view_rems_form") else None,
        "discrepancies": open_discrepancies_count() if user.has_perm("clinic_sessions.adjust_stock") else 0,
    }
