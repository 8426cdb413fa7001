"""One way to tell a person something: in-app, e-mail or SMS, queued on commit, per-person
preferences, one send per (message, recipient, channel). See `sending.py`."""
