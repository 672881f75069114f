"""Digests: what is new, for each person, in the communities, groups, themes and items they follow.

Each person chooses never, daily or weekly (the default). A digest goes out in the morning of
the person's own time zone (DIGEST_HOUR; weekly ones on Monday) and covers the period that
ended then: from the previous morning (daily) or the previous Monday morning (weekly). The
period is part of the ledger key (digest:<user>:<period>), so a person gets one digest per
period whatever runs twice, and a retried build sends the same content.

A digest gathers, for communities the person is an active member of (and, through follows,
public content of groups and themes they follow), minus the communities and groups they
muted and the communities they left:
- new knowledge they may see (published in the period, not their own);
- new answers to their questions and to the items they follow;
- meetings announced in the period that they can still register for;
- new members of their communities (who are listed in the directories);
- requests to join waiting for them (coordinators, and facilitators for their groups).
- new posts in the threads, groups and communities they follow in the discussions, for the
  communities whose discussions they receive in the digest (cop_portal/digests/discussions.py).
Nothing new: no email (the ledger records the skip).

How it runs:
1. dispatch_digests (beat, every 15 minutes) finds the people whose morning has come and who
   have no ledger row for the period, and enqueues build tasks of BATCH_SIZE people, one run.
2. build_digests(users, now, shared=...) takes each period's capped candidate lists (knowledge,
   themed knowledge, meetings, new members, answers) from the run (cop_portal/digests/shared.py:
   read once per run and period, kept in the cache for the run's other processes), reads the
   batch's people with a constant number of queries (not one per person) and applies the
   visibility rules of the scoped querysets to each person in memory.
3. send_digest (mail queue) re-checks each entry with the scoped querysets (visible_to and
   friends) when it sends, so nothing the person may no longer see goes out, then sends through
   the email ledger.
"""

from .building import JOIN_ACTIONS, Digest, _people, _Person, _within, build_digests
from .periods import DAILY, DIGEST_HOUR, WEEKLY, Period, _zone, digest_key, period_for
from .selection import _frequency_q, digests_due
from .sending import SECTION_LIMIT, _ids, _limited, digest_send, recheck
from .tasks import BATCH_SIZE, build_batch, build_digest_batch, dispatch, dispatch_digests, send_digest

__all__ = [
    "BATCH_SIZE",
    "DAILY",
    "DIGEST_HOUR",
    "JOIN_ACTIONS",
    "SECTION_LIMIT",
    "WEEKLY",
    "Digest",
    "Period",
    "_Person",
    "_frequency_q",
    "_ids",
    "_limited",
    "_people",
    "_within",
    "_zone",
    "build_batch",
    "build_digest_batch",
    "build_digests",
    "digest_key",
    "digest_send",
    "digests_due",
    "dispatch",
    "dispatch_digests",
    "period_for",
    "recheck",
    "send_digest",
]
