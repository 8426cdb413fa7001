"""Many people writing in one topic at the same moment on PostgreSQL (the issue's reliability bar,
measured with 50 writers by bench/threads.py): no message is lost, none is written twice, the
topic's count is every message — even when the same sending is retried at the same moment."""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.db.models import Count

from maillon.discussions import services
from maillon.discussions.models import Message, Topic

from .spaces_support import members_space, person

AUTHORS = 8  # two threads each: 16 writers
PER_THREAD = 3  # messages of its own each thread writes
RETRIED = 2  # sendings both threads of an author send at once (a retry racing the first try)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_lose_no_message_and_duplicate_none():
    space = members_space()
    authors = [person(space.cpts, first_name=f"Auteur{n}", last_name="Garde") for n in range(AUTHORS)]
    topic = services.start_topic(space, title="Planning des gardes", body="Qui prend quel jour ?", by=authors[0]).topic
    shared = {author.pk: [uuid.uuid4() for _ in range(RETRIED)] for author in authors}
    writers = [author for author in authors for _ in range(2)]
    barrier = threading.Barrier(len(writers))
    results, errors = [], []
    lock = threading.Lock()

    def write(author):
        try:
            barrier.wait()
            own = Topic.objects.get(pk=topic.pk)
            for n in range(PER_THREAD):
                message = services.post_message(
                    own, body=f"Je prends le créneau {n}", by=author, client_id=uuid.uuid4()
                )
                with lock:
                    results.append(("own", author.pk, message.client_id, message.pk))
            for client_id in shared[author.pk]:
                message = services.post_message(own, body="Je prends samedi", by=author, client_id=client_id)
                with lock:
                    results.append(("retried", author.pk, client_id, message.pk))
        except Exception as error:  # reported below, with the thread's author
            with lock:
                errors.append((author.pk, repr(error)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(author,)) for author in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    sent = len(writers) * PER_THREAD + AUTHORS * RETRIED
    topic.refresh_from_db()
    messages = Message.objects.filter(topic=topic)
    assert topic.message_count == messages.count() == 1 + sent  # with the first message
    # Lost: none — every id a writer was given is in the topic.
    assert {pk for *_, pk in results} <= set(messages.values_list("pk", flat=True))
    # Duplicated: none — each sending is one message, and both tries of a retried one got it.
    assert not messages.values("author", "client_id").annotate(n=Count("pk")).filter(n__gt=1).exists()
    for author in authors:
        for client_id in shared[author.pk]:
            ids = {pk for kind, who, sent_id, pk in results if kind == "retried" and sent_id == client_id}
            assert len(ids) == 1, (author.pk, client_id, ids)
    assert topic.last_message_at == messages.order_by("-created_at").first().created_at
