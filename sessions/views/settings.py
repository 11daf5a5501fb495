"""Schedule settings for managers: chairs, protocols, a location's hours and nurse ratio."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.generic import CreateView, UpdateView

from clinic.models import Location
from sessions import forms, selectors
from sessions.models import Chair, Protocol

from .common import staff_view


@staff_view("clinic_sessions.change_protocol")
def settings_index(request):
    return render(request, "sessions/settings.html", {
        "locations": selectors.locations_with_chairs(), "protocols": Protocol.objects.all()})


class _SettingsMixin(LoginRequiredMixin, PermissionRequiredMixin):
    template_name = "sessions/settings_form.html"
    success_url = reverse_lazy("schedule:settings")
    slug_field = slug_url_kwarg = "public_id"

    def get_context_data(self, **kwargs):
        name = self.model._meta.verbose_name
        heading = f"{name.capitalize()}: {self.object}" if getattr(self, "object", None) else f"New {name}"
        return super().get_context_data(heading=heading, **kwargs)

    def form_valid(self, form):
        messages.success(self.request, f"{form.instance} saved.")
        return super().form_valid(form)


class ChairCreateView(_SettingsMixin, CreateView):
    permission_required = "clinic_sessions.add_chair"
    model, form_class = Chair, forms.ChairForm


class ChairUpdateView(_SettingsMixin, UpdateView):
    permission_required = "clinic_sessions.change_chair"
    model, form_class = Chair, forms.ChairForm


class ProtocolCreateView(_SettingsMixin, CreateView):
    permission_required = "clinic_sessions.add_protocol"
    model, form_class = Protocol, forms.ProtocolForm


class ProtocolUpdateView(_SettingsMixin, UpdateView):
    permission_required = "clinic_sessions.change_protocol"
    model, form_class = Protocol, forms.ProtocolForm


class LocationScheduleView(_SettingsMixin, UpdateView):
    permission_required = "clinic.change_location"
    model, form_class = Location, forms.LocationScheduleForm
