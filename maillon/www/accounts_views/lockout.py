"""Failures of the login (password, second factor, enrolment link) throttled so that nobody
but the owner can keep an account shut.

Three counts, in `core.throttle`'s rows (an HMAC of each key, never an address or an e-mail),
over the last hour:

- **per address** (`login.address`): every failure from one client address, whatever the
  account, known or not. Past `MAILLON_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR`, that address is
  refused until its oldest counted failure is an hour old: spraying many accounts from one
  address stops there.
- **per account and address** (`login.pair`): past `MAILLON_LOGIN_DELAY_AFTER_FAILURES`, each
  new try from that address waits a delay that doubles with every failure
  (`MAILLON_LOGIN_FIRST_DELAY_SECONDS`, at most `MAILLON_LOGIN_MAX_DELAY_SECONDS`). An outsider
  slows down only their own address: the owner, elsewhere, is not delayed.
- **per account** (`login.account`): past `MAILLON_LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY`
  failures from all addresses together (many addresses, a botnet), every address waits the
  same doubling delay, and the owner gets, at most once an hour, an e-mail with an unlock link
  (`unlock.py`): the browser that opens it signs in without that delay (nor the address's).

Accounts are keyed by the e-mail typed, lower-cased, so an address that has no account is
delayed exactly as one that has: the answers never tell whether an account exists. A refused
try is not counted for the account (waiting always ends), only for the address. Every failure
and every refusal is journaled (`LOGIN_FAILED`, with the account when there is one, never the
address). django-axes was weighed and not kept: see docs/operations.md.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from maillon.core import journal, throttle

ADDRESS = "login.address"
PAIR = "login.pair"
ACCOUNT = "login.account"
WINDOW = throttle.WINDOW
ADDRESS_NOTE = "refusé : trop d'échecs de l'adresse"
PAIR_NOTE = "refusé : délai du compte"
ACCOUNT_NOTE = "refusé : délai de tous les accès au compte"

REFUSED_ADDRESS = "Trop de tentatives depuis cette adresse : réessayez dans {wait}."
REFUSED_ACCOUNT = "Trop de tentatives pour ce compte : réessayez dans {wait}."
REFUSED_ACCOUNT_WIDE = (
    "Trop de tentatives pour ce compte : réessayez dans {wait}. Si ce compte existe, son titulaire a reçu "
    "par courriel un lien pour se connecter sans attendre."
)


@dataclass(frozen=True)
class Refusal:
    message: str
    wait: datetime.timedelta
    note: str


def account_key(email: str) -> str:
    return (email or "").strip().lower()


def delay_after(failures: int, threshold: int) -> datetime.timedelta:
    """No delay up to `threshold` failures, then the first delay, doubled with each failure."""
    if failures < threshold:
        return datetime.timedelta(0)
    seconds = settings.MAILLON_LOGIN_FIRST_DELAY_SECONDS * 2 ** min(failures - threshold, 30)
    return datetime.timedelta(seconds=min(seconds, settings.MAILLON_LOGIN_MAX_DELAY_SECONDS))


def _pair(email, request, unlocked) -> str:
    # An unlocked browser has its own count: failures of others at the same address do not slow it.
    return f"{account_key(email)}|{'unlock:' + unlocked if unlocked else throttle.address_key(request)}"


def _delayed(scope, key, threshold, now):
    failures = throttle.count(scope, key, now=now)
    wait_until = None
    if failures >= threshold:
        last = throttle.latest(scope, key, now=now)
        wait_until = last + delay_after(failures, threshold)
    return wait_until - now if wait_until and wait_until > now else None


def refusal(request, email, *, now=None) -> Refusal | None:
    """Why a try at `email`'s account from this request must wait now, or None."""
    from . import unlock

    now = now or timezone.now()
    unlocked = unlock.unlocked_nonce(request, email)
    if not unlocked and (refused := address_refusal(request, now=now)):
        return refused
    pair_wait = _delayed(PAIR, _pair(email, request, unlocked), settings.MAILLON_LOGIN_DELAY_AFTER_FAILURES, now)
    if pair_wait:
        return Refusal(REFUSED_ACCOUNT.format(wait=throttle.readable_wait(pair_wait)), pair_wait, PAIR_NOTE)
    if not unlocked:
        threshold = settings.MAILLON_LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY
        account_wait = _delayed(ACCOUNT, account_key(email), threshold, now)
        if account_wait:
            message = REFUSED_ACCOUNT_WIDE.format(wait=throttle.readable_wait(account_wait))
            return Refusal(message, account_wait, ACCOUNT_NOTE)
    return None


def address_refusal(request, *, now=None) -> Refusal | None:
    """Why any login from this address must wait now (too many failures, whatever the accounts)."""
    limit = settings.MAILLON_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR
    wait = throttle.wait(ADDRESS, throttle.address_key(request), limit, window=WINDOW, now=now)
    if wait is None:
        return None
    return Refusal(REFUSED_ADDRESS.format(wait=throttle.readable_wait(wait)), wait, ADDRESS_NOTE)


def record_address_failure(request, *, note, now=None):
    """A failure that names no account (a Pro Santé Connect login that failed): journaled and
    counted for the address only."""
    _journal(None, note)
    throttle.record(ADDRESS, throttle.address_key(request), now=now)


def refuse(request, user, email, refused: Refusal, *, now=None):
    """Journal a refused try; it counts for the address unless the address itself was refused.
    The owner of an account that all addresses must wait for is offered the unlock link."""
    from . import unlock

    now = now or timezone.now()
    if refused.note != ADDRESS_NOTE and not unlock.unlocked_nonce(request, email):
        throttle.record(ADDRESS, throttle.address_key(request), now=now)
    _journal(user, refused.note)
    if refused.note == ACCOUNT_NOTE and user is not None:
        unlock.offer(user, now=now)


def record_failure(user, *, note, request=None, email=None, now=None):
    """A failed try (`user` None when the e-mail matches no account): journaled, and counted for
    the address, the account and address, and the account when the request is given."""
    from . import unlock

    _journal(user, note)
    if request is None:
        return
    now = now or timezone.now()
    email = email if email is not None else user.email
    unlocked = unlock.unlocked_nonce(request, email)
    if not unlocked:
        throttle.record(ADDRESS, throttle.address_key(request), now=now)
    throttle.record(PAIR, _pair(email, request, unlocked), now=now)
    throttle.record(ACCOUNT, account_key(email), now=now)
    if user is not None and throttle.count(ACCOUNT, account_key(email), now=now) >= (
        settings.MAILLON_LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY
    ):
        unlock.offer(user, now=now)


def succeeded(request, user):
    """A right second factor: this address's (or unlocked browser's) delay for the account is forgotten."""
    from . import unlock

    throttle.clear(PAIR, _pair(user.email, request, unlock.unlocked_nonce(request, user.email)))


def _journal(user, note):
    if user is None:
        journal.record(journal.Action.LOGIN_FAILED, object_type="core.User", note=note)
    else:
        journal.record(journal.Action.LOGIN_FAILED, user, note=note)
