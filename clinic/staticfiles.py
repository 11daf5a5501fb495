"""The static files' storage in production: WhiteNoise's compressed manifest storage, each file's URL worked out
once per process. The manifest (name → name with its content's hash) is read when the process starts and does not
change while it runs; working a URL out again cost about 20 µs, and a page asks for six (issue 13)."""

from __future__ import annotations

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ClinicStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force or settings.DEBUG:  # DEBUG serves the files as they are, not the manifest's names
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:  # a name missing from the manifest raises, and is not kept
            url = self._urls[name] = super().url(name)
        return url
