"""The uploaded file between its preview and the coordinator's confirmation.

Kept in the session (stored in the database, so any app server can take the
confirmation), compressed, for one hour at most, and removed on confirmation,
cancellation or a new upload. A random token ties the confirm button to the
previewed file: nothing of the file goes through the URL or the page.
"""

import base64
import hmac
import secrets
import time
import zlib

SESSION_KEY = "maillon_members_import"
MAX_AGE_SECONDS = 60 * 60


def keep(request, cpts, *, content: bytes, filename: str) -> str:
    token = secrets.token_urlsafe(16)
    request.session[SESSION_KEY] = {
        "token": token,
        "cpts": cpts.pk,
        "filename": filename[-100:],
        "at": int(time.time()),
        "content": base64.b64encode(zlib.compress(content)).decode("ascii"),
    }
    return token


def take(request, cpts, token: str):
    """(content, filename) of the file previewed with `token` in `cpts`, or None."""
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("cpts") != cpts.pk:
        return None
    if not hmac.compare_digest(pending.get("token", ""), token or ""):
        return None
    if time.time() - pending.get("at", 0) > MAX_AGE_SECONDS:
        forget(request)
        return None
    return zlib.decompress(base64.b64decode(pending["content"])), pending["filename"]


def forget(request):
    request.session.pop(SESSION_KEY, None)
