"""Benchmark of the discussion threads (issue 17, « Performance and reliability »): opening a
topic of 10 000 messages against a plain indexed SQL query on the same data; 50 concurrent
writers in one topic on PostgreSQL, none lost, none written twice.

    [DATABASE_URL=postgres://user@host:5432/any] .venv/bin/python bench/threads.py \
        [--database-url postgres://…] [--messages 10000] [--runs 50] [--writers 50] [--sends 6]

The bench works in a throwaway database: on PostgreSQL its own scratch database
`maillon_bench_threads` on the server of the URL (dropped and re-created, never the `test`
database); without a URL, or with a sqlite:// one, a new SQLite file in a temporary folder
(removed at the end). Both are migrated.

(1) Opening a topic. One topic of --messages messages (bulk_create, with their search text,
    20 authors, an attachment every 25 messages), among 20 000 messages of other topics; the
    reader has read all but the last 100. Measured in the process, as the topic page does
    (`maillon/www/discussions_views/topics.py`): the last 50 messages with their authors and
    attachments (prefetch), the reader's unread count and first unread message, and
    `services.mark_read` up to the last one shown (the read state put back between runs, so
    every run counts and marks 100 unread messages). The reference is the plain indexed SQL of
    the same reads on the same data: `SELECT … WHERE topic_id = … ORDER BY id DESC LIMIT 50`
    and `SELECT COUNT(*) … WHERE topic_id = … AND id > …`. When the route exists, the topic
    page itself through Django's test client too. p50 and p95 over --runs; exit status 1 if a
    p95 reaches 200 ms.
(2) Concurrent writers (PostgreSQL only: SQLite has one writer at a time). --writers threads,
    each with its own connection and its own account, released together, post --sends messages
    each in one topic through `services.post_message`; one writer in five sends each message
    twice with the same `client_id` (a retry), half of those retries at once from a second
    thread. Then, from the table: `lost` (a sent message missing) and `duplicated` (a message
    written twice, or the topic's message_count off the table's count); exit status 1 unless
    both are 0.

Absolute times depend on the machine; compare the ratios. Tests never assert times.
"""

import argparse
import atexit
import contextlib
import datetime
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scratch_pg import recreate_database, scratch_url, setup_django

SCRATCH = "maillon_bench_threads"
BENCH = "bench/threads.py"
TARGET_MS = 200
PAGE = 50
UNREAD = 100
AUTHORS = 20
OTHER_TOPICS, OTHER_MESSAGES = 10, 2_000
ATTACHMENT_EVERY = 25
BATCH = 2_000
# How long the writers wait for each other before starting anyway.
BARRIER_SECONDS = 120
WORDS = [
    "garde",
    "week-end",
    "pharmacie",
    "infirmière",
    "cabinet",
    "dépistage",
    "kit",
    "atelier",
    "réunion",
    "planning",
    "créneau",
    "soins",
    "domicile",
    "ordonnance",
    "protocole",
    "coordination",
    "visio",
    "compte",
    "rendu",
    "maison",
    "santé",
    "adhérents",
    "mission",
    "parcours",
    "sortie",
    "hospitalisation",
    "vaccination",
    "grippe",
    "relais",
    "secrétariat",
]


def database(url: str) -> tuple[str, str]:
    """The URL the bench works on and what to print of it."""
    if url.startswith("postgres"):
        recreate_database(url, SCRATCH, bench=BENCH)
        return scratch_url(url, SCRATCH, bench=BENCH), f"PostgreSQL, scratch database {SCRATCH}"
    folder = tempfile.mkdtemp(prefix="maillon-bench-threads-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = Path(folder) / f"{SCRATCH}.sqlite3"
    return f"sqlite:///{path}", f"SQLite, throwaway file {path}"


# --- Data ----------------------------------------------------------------------------------------


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 40))]
    return ("Bonjour, " + " ".join(words) + ". Merci !").capitalize()


def make_space():
    from maillon.core.factories import CptsFactory, CptsRoleFactory
    from maillon.discussions.models import DiscussionSpace, SpaceKind

    cpts = CptsFactory(name="CPTS du banc d'essai", slug="banc-discussions")
    space = DiscussionSpace.objects.create(cpts=cpts, kind=SpaceKind.MEMBERS, name="Tous les adhérents")
    reader = CptsRoleFactory(cpts=cpts).user
    authors = [CptsRoleFactory(cpts=cpts).user for _ in range(AUTHORS)]
    return cpts, space, reader, authors


def fill(topic, count: int, authors, rng: random.Random, *, attachments: bool) -> None:
    """`count` messages (bulk_create, with their search text), a minute apart up to now."""
    from django.db.models import Max
    from django.utils import timezone

    from maillon.discussions.models import Attachment, Message, Topic
    from maillon.discussions.services import searchable

    start = timezone.now() - datetime.timedelta(minutes=count)
    for first in range(0, count, BATCH):
        rows = []
        for number in range(first, min(count, first + BATCH)):
            body = sentence(rng)
            rows.append(
                Message(
                    topic=topic,
                    space_id=topic.space_id,
                    author=authors[number % len(authors)],
                    body=body,
                    search_text=searchable(body),
                    created_at=start + datetime.timedelta(minutes=number),
                )
            )
        made = Message.objects.bulk_create(rows)
        if attachments:
            ids = [message.pk for message in made] if made[0].pk else None
            if ids is None:  # backends that return no ids: read them back
                ids = list(topic.messages.order_by("-pk").values_list("pk", flat=True)[: len(rows)])[::-1]
            Attachment.objects.bulk_create(
                Attachment(
                    message_id=pk,
                    file=f"discussions/banc/{pk}.pdf",
                    name="compte-rendu.pdf",
                    content_type="application/pdf",
                    size=12_345,
                )
                for index, pk in enumerate(ids)
                if (first + index) % ATTACHMENT_EVERY == 0
            )
    last = topic.messages.aggregate(last=Max("created_at"))["last"]
    Topic.objects.filter(pk=topic.pk).update(message_count=count, last_message_at=last)


def make_data(messages: int, rng: random.Random):
    from django.db import connection

    from maillon.discussions.models import Topic, TopicRead

    cpts, space, reader, authors = make_space()
    for number in range(OTHER_TOPICS):
        other = Topic.objects.create(space=space, title=f"Autre sujet {number}", created_by=authors[0])
        fill(other, OTHER_MESSAGES, authors, rng, attachments=False)
    topic = Topic.objects.create(space=space, title="Le sujet de 10 000 messages", created_by=authors[0])
    fill(topic, messages, authors, rng, attachments=True)
    ids = list(topic.messages.order_by("-pk").values_list("pk", flat=True)[: UNREAD + 1])
    read_up_to = ids[-1]
    TopicRead.objects.create(topic=topic, user=reader, last_read_id=read_up_to)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return cpts, space, topic, reader, read_up_to


# --- (1) Opening a topic -------------------------------------------------------------------------


def open_topic(topic, reader):
    """What the topic page reads and writes (maillon/www/discussions_views/topics.py)."""
    from django.db.models import Count, Min

    from maillon.discussions import policies, services
    from maillon.discussions.models import MessageStatus, TopicRead

    place = policies.place_of(reader, topic.space)
    thread = topic.messages.select_related("author").prefetch_related("attachments").order_by("-pk")
    newest = list(thread[: PAGE + 1])
    shown = newest[:PAGE][::-1]
    read = TopicRead.objects.filter(topic=topic, user=reader).values_list("last_read_id", flat=True).first() or 0
    after = max(read, place.read_floor if place else 0)
    unread = (
        topic.messages.filter(pk__gt=after, status=MessageStatus.VISIBLE)
        .exclude(author=reader)
        .aggregate(count=Count("pk"), first=Min("pk"))
    )
    services.mark_read(topic, reader, shown[-1].pk)
    return shown, unread["count"]


def plain(topic_id: int, read_up_to: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, author_id, body, created_at FROM discussions_message WHERE topic_id = %s "
            "ORDER BY id DESC LIMIT %s",
            [topic_id, PAGE],
        )
        cursor.fetchall()
        cursor.execute(
            "SELECT COUNT(*) FROM discussions_message WHERE topic_id = %s AND id > %s", [topic_id, read_up_to]
        )
        return cursor.fetchone()[0]


def percentiles(durations: list[float]) -> tuple[float, float]:
    ordered = sorted(durations)
    return statistics.median(ordered) * 1000, ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000


def timed(function, runs: int, *, between=None) -> list[float]:
    """Seconds of each of `runs` calls (after one to warm the caches); `between()` before each,
    outside the time."""
    if between:
        between()
    function()
    durations = []
    for _ in range(runs):
        if between:
            between()
        start = time.perf_counter()
        function()
        durations.append(time.perf_counter() - start)
    return durations


def verified_client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(raise_request_exception=False)
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="Banc d'essai", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def bench_opening(topic, reader, read_up_to: int, runs: int) -> bool:
    """Prints the figures; True when every p95 is under the target."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from maillon.discussions.models import TopicRead

    def reset():
        TopicRead.objects.filter(topic=topic, user=reader).update(last_read_id=read_up_to)

    reset()
    shown, unread = open_topic(topic, reader)
    assert len(shown) == PAGE and unread == UNREAD, (len(shown), unread)
    assert plain(topic.pk, read_up_to) == UNREAD
    reference = percentiles(timed(lambda: plain(topic.pk, read_up_to), runs))
    print(
        f"    reference, plain indexed SQL (last {PAGE} + unread count):"
        f" p50 {reference[0]:7.2f} ms  p95 {reference[1]:7.2f} ms"
    )
    reset()
    with CaptureQueriesContext(connection) as captured:
        open_topic(topic, reader)
    p50, p95 = percentiles(timed(lambda: open_topic(topic, reader), runs, between=reset))
    ok = p95 < TARGET_MS
    print(
        f"    opening the topic (last {PAGE} with authors and attachments, {UNREAD} unread counted, mark read),"
        f" {len(captured)} queries:"
    )
    print(
        f"        p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  ratio p95/reference {p95 / reference[1]:6.1f}"
        f"{'' if ok else '  >= target'}"
    )
    try:
        url = reverse("discussions_topic", args=[topic.pk])
    except NoReverseMatch:
        print("    topic page: no route discussions_topic yet, skipped")
        return ok
    client = verified_client(reader)
    reset()
    status = client.get(url).status_code
    if status != 200:
        print(f"    topic page GET {url}: HTTP {status}, skipped")
        return ok
    page = percentiles(timed(lambda: client.get(url), runs, between=reset))
    page_ok = page[1] < TARGET_MS
    print(
        f"    topic page GET {url} (test client, server time): p50 {page[0]:7.2f} ms  p95 {page[1]:7.2f} ms"
        f"  ratio p95/reference {page[1] / reference[1]:6.1f}{'' if page_ok else '  >= target'}"
    )
    return ok and page_ok


# --- (2) Concurrent writers ----------------------------------------------------------------------


def bench_writers(cpts, space, writers: int, sends: int) -> tuple[int, int, int]:
    """`writers` threads post in one topic; (lost, duplicated) from the table, and the calls
    that failed."""
    from django.db import connections
    from django.db.models import Count

    from maillon.core.factories import CptsRoleFactory
    from maillon.core.models import User
    from maillon.discussions import services
    from maillon.discussions.models import Message, Topic

    starter = CptsRoleFactory(cpts=cpts).user
    topic = services.start_topic(space, title="Cinquante personnes écrivent", body="Qui écrit ?", by=starter).topic
    people = [CptsRoleFactory(cpts=cpts).user for _ in range(writers)]
    # Each sending: (author, client_id, body); a retried one is sent twice.
    sendings, work = [], {index: [] for index in range(writers)}
    for index, person in enumerate(people):
        retrying = index % 5 == 0
        for number in range(sends):
            sending = (person, uuid.uuid4(), f"Message {number + 1} de la personne {index + 1}.")
            sendings.append(sending)
            work[index].append(sending)
            if retrying:
                # The retry: half at once from another thread, half by the same writer later.
                target = (index + 1) % writers if number % 2 == 0 else index
                work[target].append(sending)
    errors, lock = [], threading.Lock()
    barrier = threading.Barrier(writers + 1)
    latencies = []

    def writer(index):
        rng = random.Random(index)
        mine = work[index]
        rng.shuffle(mine)
        try:
            # This thread's own objects (a user caches their places in the spaces).
            accounts = {person.pk: User.objects.get(pk=person.pk) for person, _, _ in mine}
            own_topic = Topic.objects.select_related("space__cpts").get(pk=topic.pk)
        except Exception as error:
            with lock:
                errors.append(f"{type(error).__name__}: {error}")
            mine = []
        with contextlib.suppress(threading.BrokenBarrierError):  # the others started without it
            barrier.wait(timeout=BARRIER_SECONDS)
        try:
            for person, client_id, body in mine:
                begin = time.perf_counter()
                try:
                    services.post_message(own_topic, body=body, by=accounts[person.pk], client_id=client_id)
                except Exception as error:
                    with lock:
                        errors.append(f"{type(error).__name__}: {error}")
                    continue
                with lock:
                    latencies.append((time.perf_counter() - begin) * 1000)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(index,)) for index in range(writers)]
    for thread in threads:
        thread.start()
    try:
        barrier.wait(timeout=BARRIER_SECONDS)
    except threading.BrokenBarrierError:
        print("    some writers were not ready in time: the others started anyway")
    begin = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - begin
    for error in sorted(set(errors))[:5]:
        print(f"    error: {error}")

    rows = Message.objects.filter(topic=topic).exclude(author=starter)
    written = {
        (row["author_id"], row["client_id"]): row["n"]
        for row in rows.values("author_id", "client_id").annotate(n=Count("pk")).order_by()
    }
    sent = {(person.pk, client_id) for person, client_id, _ in sendings}
    lost = len(sent - set(written))
    duplicated = sum(count - 1 for count in written.values()) + len(set(written) - sent)
    table = Message.objects.filter(topic=topic).count()
    counted = Topic.objects.get(pk=topic.pk).message_count
    duplicated += max(0, counted - table)
    lost += max(0, table - counted)
    calls = sum(len(mine) for mine in work.values())
    latencies.sort()
    print(
        f"    {writers} writers, {len(sendings)} messages sent in {calls} calls ({calls - len(sendings)} retries"
        f" with the same client_id), {len(errors)} errors, {elapsed:.2f} s"
    )
    if latencies:
        print(
            f"    latency per call: p50 {statistics.median(latencies):6.1f} ms"
            f"  p95 {latencies[max(0, int(len(latencies) * 0.95) - 1)]:6.1f} ms"
        )
    print(f"    in the table: {table} messages (with the first), topic's message_count {counted}")
    return lost, duplicated, len(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--sends", type=int, default=6, help="messages each writer sends")
    options = parser.parse_args()
    url, label = database(options.database_url)
    setup_django(url)
    from django.conf import settings
    from django.db import connection

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The messages' notifications are queued in the scratch database, never run.
    print(f"Maillon bench — discussion threads ({label})")
    start = time.perf_counter()
    cpts, space, topic, reader, read_up_to = make_data(options.messages, random.Random(2026))
    print(
        f"    data: a topic of {options.messages} messages among {OTHER_TOPICS * OTHER_MESSAGES} others,"
        f" built in {time.perf_counter() - start:.1f} s"
    )
    ok = bench_opening(topic, reader, read_up_to, options.runs)
    if connection.vendor != "postgresql":
        print("    concurrent writers: skipped — SQLite takes one writer at a time (run with a PostgreSQL URL)")
        sys.exit(0 if ok else 1)
    lost, duplicated, failed = bench_writers(cpts, space, options.writers, options.sends)
    print(f"lost: {lost}, duplicated: {duplicated}")
    sys.exit(0 if ok and not lost and not duplicated and not failed else 1)


if __name__ == "__main__":
    main()
