from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.views.generic import CreateView, DetailView, ListView

from clinic.audit.mixins import AccessLoggedMixin
from patients.forms import PatientForm, PatientSearchForm
from patients.models import Patient
from patients.selectors import patients_search


class PatientListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "patients.view_patient"
    template_name = "patients/patient_list.html"
    context_object_name = "patients"
    paginate_by = 25

    def get_queryset(self):
        self.search_form = PatientSearchForm(self.request.GET or None)
        query = self.search_form.cleaned_data["q"] if self.search_form.is_valid() else ""
        return patients_search(query=query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(search_form=self.search_form, **kwargs)


class PatientCreateView(LoginRequiredMixin, PermissionRequiredMixin, CreateView):
    permission_required = "patients.add_patient"
    model = Patient
    form_class = PatientForm
    template_name = "patients/patient_form.html"

    def form_valid(self, form):
        form.instance.created_by = self.request.user
        messages.success(self.request, "Patient registered.")
        return super().form_valid(form)


class PatientDetailView(LoginRequiredMixin, PermissionRequiredMixin, AccessLoggedMixin, DetailView):
    permission_required = "patients.view_patient"
    model = Patient
    slug_field = "public_id"
    slug_url_kwarg = "public_id"
    template_name = "patients/patient_detail.html"
    access_object_type = "patient chart"
