"""The record's vitals rows, built in Python (sessions/html.py, issue 13): the same HTML the template loop
printed, escaped, for readings plain, flagged, entered in error, and for a user who may not mark them."""

import datetime
import re
from types import SimpleNamespace

from django.template import engines
from django.test import RequestFactory
from django.utils import timezone

from sessions.models import VitalSign

# The loop as templates/sessions/records/includes/_vitals.html had it, with its include of _error_mark.html.
TEMPLATE_LOOP = """{% for v in page.vitals %}
      <tr class="{% if v.error %}entered-in-error{% elif v.flags %}table-warning{% endif %}">
        <td>{{ v.taken_at|time:"H:i" }}</td><td>{{ v.get_phase_display }}</td>
        <td>{{ v.systolic }}/{{ v.diastolic }}</td><td>{{ v.heart_rate }}</td><td>{{ v.spo2 }}</td>
        <td>{{ v.respiratory_rate|default:"–" }}</td><td>{{ v.moaas|default_if_none:"–" }}</td><td>{{ v.get_dissociation_display|default:"–" }}</td>
        <td>{% for f in v.flags %}<span class="badge text-bg-{% if 'recheck' in f %}warning{% else %}danger{% endif %} me-1">{{ f }}</span>{% endfor %}{{ v.note }}
          {% if v.error %}<div class="small"><strong>Entered in error:</strong> {{ v.error.reason }}</div>{% endif %}</td>
        <td>{% if not v.error %}{% include "sessions/records/includes/_error_mark.html" with kind="vital" row=v %}{% endif %}</td>
      </tr>
    {% endfor %}"""  # noqa: E501


def _vitals():
    at = datetime.datetime(2026, 3, 2, 15, 5, tzinfo=datetime.UTC)
    plain = VitalSign(taken_at=at, phase="baseline", systolic=126, diastolic=80, heart_rate=74, spo2=98,
                      respiratory_rate=None, moaas=None, dissociation="", note="")
    flagged = VitalSign(taken_at=at + datetime.timedelta(minutes=10), phase="dosing", systolic=182, diastolic=112,
                        heart_rate=121, spo2=91, respiratory_rate=0, moaas=0, dissociation="mild",
                        note='<b>"pale" & cold</b>', flags=["BP ≥ 180/110: recheck in 5 min", "SpO₂ < 92%"])
    wrong = VitalSign(taken_at=at + datetime.timedelta(minutes=20), phase="recovery", systolic=120, diastolic=70,
                      heart_rate=70, spo2=99, respiratory_rate=12, moaas=5, dissociation="none", note="",
                      flags=["HR > 120"])
    plain.error = flagged.error = None
    wrong.error = SimpleNamespace(reason="wrong <patient>")
    return [plain, flagged, wrong]


def _both(user_can):
    request = RequestFactory().get("/")
    context = {"page": {"vitals": _vitals()}, "user_can": user_can, "error_mark_url": "/records/x/error/"}
    django = engines["django"]
    with timezone.override("America/Chicago"):
        old = django.from_string(TEMPLATE_LOOP).render(context, request)
        new = django.from_string("{% load sessions_tags %}{% vitals_rows page.vitals %}").render(context, request)
    # The token is masked anew each time it is printed.
    masked = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    return masked.sub("csrf", old), masked.sub("csrf", new)


def test_the_rows_are_the_template_loops_html():
    old, new = _both({"nurse": True, "sign": False})
    assert new == old
    assert "&lt;b&gt;&quot;pale&quot; &amp; cold&lt;/b&gt;" in new and "wrong &lt;patient&gt;" in new
    assert ">09:05<" in new  # the clinic's wall time
    assert new.count('class="error-mark"') == 2  # not on the reading entered in error
    assert new.count("csrf") == 2


def test_without_the_right_to_mark_no_form_and_the_same_html():
    old, new = _both({"nurse": False, "sign": False})
    assert new == old
    assert "error-mark" not in new
    old, new = _both(None)  # the print view
    assert new == old
