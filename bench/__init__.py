"""``make bench``: the app measured at named sizes under gunicorn (README, "Benchmark").

Not a test: it reports figures. Ratios are the result, not seconds: the machine is shared and noisy.
"""
