"""Production serves static files from ``collectstatic``'s output with whitenoise's manifest storage, which
follows every file's references (CSS url(), JS source maps): one missing file fails the deployment."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from clinic.staticfiles import ClinicStaticFilesStorage

PRODUCTION_STORAGE = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                      "staticfiles": {"BACKEND": "clinic.staticfiles.ClinicStaticFilesStorage"}}


def test_collectstatic_succeeds_with_the_production_storage(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGE):
        call_command("collectstatic", "--noinput", verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/chartjs/chart.umd.min.*.js"))


def test_each_files_url_is_the_manifests_and_is_worked_out_once(tmp_path, monkeypatch):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGE, DEBUG=False):
        call_command("collectstatic", "--noinput", verbosity=0)
        storage, whitenoise = ClinicStaticFilesStorage(), CompressedManifestStaticFilesStorage()
        worked_out = []
        url_of = CompressedManifestStaticFilesStorage.url
        monkeypatch.setattr(CompressedManifestStaticFilesStorage, "url",
                            lambda self, name, force=False: worked_out.append(name) or url_of(self, name, force))
        first, again = storage.url("css/app.css"), storage.url("css/app.css")
        assert first == again == whitenoise.url("css/app.css") != "/static/css/app.css"
        assert worked_out.count("css/app.css") == 2  # once for this storage, once for whitenoise's own
        for _ in range(2):  # a file missing from the manifest is refused each time, never kept
            with pytest.raises(ValueError):
                storage.url("css/missing.css")
