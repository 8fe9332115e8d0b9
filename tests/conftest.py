import os

os.environ.setdefault("PTB_TIMEDELTA", "true")
