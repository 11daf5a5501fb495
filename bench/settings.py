"""The production settings, as a clinic runs them, plus the bench's reference page (bench/urls.py).

Only ``make bench`` uses these (bench/run.py sets the environment production asks for: the bench database,
no TLS redirect, no second sign-in step, e-mail kept in memory).
"""

from clinic.settings.production import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
