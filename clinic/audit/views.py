from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import render

from clinic.audit.forms import AccessLogFilterForm
from clinic.audit.selectors import access_events_list


@login_required
@permission_required("audit.view_accessevent", raise_exception=True)
def access_log(request):
    """Managers: who viewed which patient's data. Filter by patient or staff member."""
    form = AccessLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = access_events_list(patient_id=filters.get("patient"), actor=filters.get("actor"))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/access_log.html", {"form": form, "page": page})
