"""The uploaded file between its preview and the coordinator's confirmation.

Kept in the session (stored in the database, so any app server can take the
confirmation), compressed, for one hour at most, and removed on confirmation,
cancellation or a new upload. A random token ties the confirm button to the
previewed file: nothing of the file goes through the URL or the page. The columns the
user mapped by hand are kept with it; `valid` says whether the preview could be confirmed.
"""

import base64
import hmac
import secrets
import time
import zlib

SESSION_KEY = "maillon_import"
MAX_AGE_SECONDS = 60 * 60


def keep(request, cpts, *, kind: str, content: bytes, filename: str, mapping=None, valid=False) -> str:
    token = secrets.token_urlsafe(16)
    request.session[SESSION_KEY] = {
        "token": token,
        "kind": kind,
        "cpts": cpts.pk,
        "filename": filename[-100:],
        "at": int(time.time()),
        "mapping": {str(index): key for index, key in (mapping or {}).items()},
        "valid": valid,
        "content": base64.b64encode(zlib.compress(content)).decode("ascii"),
    }
    return token


def take(request, cpts, token: str, *, kind: str):
    """{"content", "filename", "mapping", "valid"} of the file previewed with `token` in `cpts`, or None."""
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("cpts") != cpts.pk or pending.get("kind") != kind:
        return None
    if not hmac.compare_digest(pending.get("token", ""), token or ""):
        return None
    if time.time() - pending.get("at", 0) > MAX_AGE_SECONDS:
        forget(request)
        return None
    return {
        "content": zlib.decompress(base64.b64decode(pending["content"])),
        "filename": pending["filename"],
        "mapping": {int(index): key for index, key in pending.get("mapping", {}).items()},
        "valid": pending.get("valid", False),
    }


def forget(request):
    request.session.pop(SESSION_KEY, None)
