"""Benchmark: 10,000 reminders due at once; one dispatcher pass, then the sends; how late was the last one.

Not a test: it creates its own data (bulk_create) on the configured database: a community, 10,000
people each registered for one of 20 meetings starting in an hour, and a reminder each, due now.
It runs meetings.reminders.reminders_dispatch once (as the beat does every minute), then the send
tasks in this process (Celery eager; emails go to the in-memory backend, no SMTP), and prints how
long the claim took, how many the pass claimed, and the lateness of the last reminder sent
(sent_at - due_at). Run it on a database of its own; the data is deleted at the end (slugs and
addresses start with "bench-").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cop_bench CELERY_TASK_ALWAYS_EAGER=true \\
        .venv/bin/python benchmarks/reminders.py [--due 10000] [--keep]

In production the sends run on the mail workers in parallel (one task per SEND_CHUNK reminders);
here they run one after the other in one process, so the lateness printed is an upper bound for
one worker, and the line "with W workers" divides the sending time by W.

--worker C starts a real Celery worker (prefork, C processes, production settings from
benchmarks/worker_settings.py, no SMTP) on a queue of its own on REDIS_URL, hands the sends to it
through the broker as production does, and waits for the last one. Either way the lateness of
every email (its ledger row's sent_at minus its reminder's due_at) is printed as p50/p95/max.
With --due-in 0 the reminders are already due at the dispatcher pass (after an outage; the beat adds up
to its period on top). With --due-in 120 they fall due 2 minutes after it: the least notice the
dispatcher gets in production, where the beat runs it every minute and it claims rows falling due
within LOOKAHEAD (3 minutes), rendering them before their moment.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
WORKER = "--worker" in sys.argv
if WORKER:  # the production profile, the sends through the broker to a real worker
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.worker_settings"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["MAIL_QUEUE"] = f"bench-mail-{os.getpid()}"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(24).hex())
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="cop-bench-static-"))
else:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop_portal.settings.development")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from communities.models import Community, Membership  # noqa: E402
from meetings import reminders  # noqa: E402
from meetings.models import Meeting, Registration, Reminder  # noqa: E402
from members.models import EmailLedger, OutboxMessage, User  # noqa: E402

PREFIX = "bench-"
if not WORKER:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def start_worker(concurrency: int):
    """Start a Celery worker consuming this run's mail queue; return the process."""
    import subprocess

    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "cop_portal",
        "worker",
        f"--concurrency={concurrency}",
        "--loglevel=WARNING",
        "-Q",
        os.environ["MAIL_QUEUE"],
        "-n",
        f"bench-{os.getpid()}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    return subprocess.Popen(command, env=environment, cwd=Path(__file__).resolve().parent.parent)  # noqa: S603


def lateness(due: int) -> list[float]:
    """Return, for each reminder email on the ledger, seconds from its reminder's due_at to its sent_at."""
    rows = EmailLedger.objects.filter(
        kind="reminder", status=EmailLedger.Status.SENT, to_email__startswith=PREFIX
    ).values_list("key", "sent_at")
    due_at = dict(Reminder.objects.filter(meeting__community__slug=f"{PREFIX}reminders").values_list("pk", "due_at"))
    return sorted(
        (sent_at - due_at[int(key.split(":")[1])]).total_seconds()
        for key, sent_at in rows
        if int(key.split(":")[1]) in due_at
    )


def percentile(values: list[float], fraction: float) -> float:
    return values[min(len(values) - 1, int(fraction * len(values)))] if values else float("nan")


@transaction.atomic
def create_data(due: int, due_in: int = 0) -> timezone.datetime:
    """Create due reminders, all falling due due_in seconds from now; return that moment."""
    now = timezone.now().replace(microsecond=0) + timedelta(seconds=due_in)
    community = Community.objects.create(slug=f"{PREFIX}reminders", name="Bench reminders")
    meetings = Meeting.objects.bulk_create(
        Meeting(
            community=community,
            title=f"Bench meeting {index}",
            start=now + timedelta(hours=1),
            end=now + timedelta(hours=2),
        )
        for index in range(20)
    )
    users = User.objects.bulk_create(
        (
            User(
                email=f"{PREFIX}due-{index}@example.invalid",
                full_name=f"Due {index}",
                password=UNUSABLE_PASSWORD_PREFIX,
            )
            for index in range(due)
        ),
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        (Membership(user=user, community=community, status=Membership.Status.ACTIVE) for user in users),
        batch_size=2000,
    )
    registrations = Registration.objects.bulk_create(
        (Registration(meeting=meetings[index % len(meetings)], user=user) for index, user in enumerate(users)),
        batch_size=2000,
    )
    Reminder.objects.bulk_create(
        (
            Reminder(meeting=registration.meeting, registration=registration, offset_minutes=60, due_at=now)
            for registration in registrations
        ),
        batch_size=2000,
    )
    return now


def delete_data() -> None:
    with transaction.atomic():
        OutboxMessage.objects.filter(task_name="meetings.send_reminders", args__0__0__isnull=False).filter(
            state=OutboxMessage.State.PENDING
        ).delete()
        EmailLedger.objects.filter(to_email__startswith=PREFIX).delete()
        User.objects.filter(email__startswith=PREFIX).delete()
        Community.objects.filter(slug__startswith=PREFIX).delete()


def run(due: int, workers: int, keep: bool, claim_only: bool = False, worker: int = 0, due_in: int = 0) -> None:
    from django.core import mail

    mail.outbox = []
    delete_data()
    process = start_worker(worker) if worker else None
    if process:
        time.sleep(8)  # let the worker connect before the clock starts
    started = time.perf_counter()
    due_at = create_data(due, due_in)
    print(f"created {due} reminders falling due in {due_in}s in {time.perf_counter() - started:.1f}s")
    # The claim alone (what the beat task does within its minute), then the sends it enqueued.
    callbacks = []
    with CaptureQueriesContext(connection) as captured:
        original = connection.on_commit

        def hold(func, robust=False):  # keep the hand-off for after the claim is timed
            if connection.in_atomic_block:
                return original(lambda: callbacks.append(func), robust=robust)
            callbacks.append(func)

        connection.on_commit = hold
        try:
            started = time.perf_counter()
            claimed = reminders.reminders_dispatch(now=timezone.now())
            claim_seconds = time.perf_counter() - started
        finally:
            connection.on_commit = original
    claim_queries = len(captured)
    if claim_only:
        print(f"one dispatcher pass claimed {claimed} of {due} due in {claim_seconds:.2f}s ({claim_queries} queries)")
        callbacks = []
    started = time.perf_counter()
    for callback in callbacks:
        callback()
    if process:  # wait for the worker to send them all
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline and process.poll() is None:
            done = Reminder.objects.filter(
                meeting__community__slug=f"{PREFIX}reminders", status=Reminder.Status.CLAIMED
            ).count()
            if not done:
                break
            time.sleep(0.5)
    send_seconds = time.perf_counter() - started
    sent = Reminder.objects.filter(meeting__community__slug=f"{PREFIX}reminders", status=Reminder.Status.SENT)
    last = sent.aggregate(last=Max("sent_at"))["last"]
    recipients = set(
        EmailLedger.objects.filter(kind="reminder", status="sent", to_email__startswith=PREFIX).values_list(
            "to_email", flat=True
        )
    )
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"one dispatcher pass claimed {claimed} of {due} due in {claim_seconds:.2f}s ({claim_queries} queries)")
    print(f"sent: {sent.count()} reminders, emails to {len(recipients)} people")
    if not claim_only:
        how = f"a Celery worker, {worker} processes" if worker else "one process, eager"
        print(f"sending ({how}): {send_seconds:.1f}s -> {claimed / send_seconds:.0f} per second")
        late = lateness(due)
        print(
            f"lateness (ledger sent_at - due_at) of {len(late)} emails: p50 {percentile(late, 0.5):.1f}s,"
            f" p95 {percentile(late, 0.95):.1f}s, max {late[-1] if late else float('nan'):.1f}s"
        )
    if process:
        process.terminate()
        process.wait(30)
    if last and not claim_only and not worker:
        print(f"last reminder sent {(last - due_at).total_seconds():.1f}s after it fell due (one process)")
        print(
            f"with {workers} mail workers: about {claim_seconds + send_seconds / workers:.1f}s after it fell due"
            " (the dispatcher runs within a minute of the due moment: add up to 60 s)"
        )
    if not keep:
        delete_data()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--claim-only", action="store_true", help="time the dispatcher pass, send nothing")
    parser.add_argument("--worker", type=int, default=0, help="send through a real Celery worker of C processes")
    parser.add_argument(
        "--due-in",
        type=int,
        default=0,
        help="the reminders fall due this many seconds after the dispatcher pass (0: already due, as after an"
        " outage; LOOKAHEAD - 60 = 120: the least notice the beat gives, every minute, claiming LOOKAHEAD ahead)",
    )
    arguments = parser.parse_args()
    run(arguments.due, arguments.workers, arguments.keep, arguments.claim_only, arguments.worker, arguments.due_in)


if __name__ == "__main__":
    main()
