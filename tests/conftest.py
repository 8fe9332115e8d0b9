import os

from hypothesis import HealthCheck, settings

os.environ.setdefault("PTB_TIMEDELTA", "true")

# Shared 2-core machines: no per-example deadline (speed is for benchmarks), and a
# repeatable example sequence under CI so a red build can be reproduced.
settings.register_profile("default", deadline=None)
settings.register_profile(
    "ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "default")
