"""Discussion threads and their posts, with the counters the services keep (reply_count, last_post)."""

from __future__ import annotations

from datetime import timedelta

from discussions.models import Post, Thread
from knowledge.markup import render_markdown

from . import words


def seed_discussions(s) -> None:
    rng = s.rng
    bodies = []
    for _ in range(100):
        source = " ".join(rng.sample(words.SENTENCES, 2))
        bodies.append((source, render_markdown(source)))
    thread_ids = s.writer.reserve_ids(Thread, s.size["threads"])
    replies_each = max(0.0, s.size["posts"] / len(thread_ids) - 1)
    plans = []
    total_posts = 0
    for index, pk in enumerate(thread_ids):
        community = s.pick_community(index)
        groups = s.groups[community.pk]
        group = rng.choice(groups) if groups and rng.random() < 0.4 else None
        people = (s.group_members.get(group.pk) if group else None) or s.members.get(community.pk) or s.people
        replies = int(rng.expovariate(1 / replies_each)) if replies_each else 0
        started = s.when(900)
        plans.append((pk, community, group, people, replies, started, index))
        total_posts += 1 + replies
    post_ids = iter(s.writer.reserve_ids(Post, total_posts))
    threads, posts = [], []
    for pk, community, group, people, replies, started, index in plans:
        at = started
        post_id = None
        for number in range(1 + replies):
            post_id = next(post_ids)
            body, body_html = rng.choice(bodies)
            posts.append(
                {
                    "id": post_id,
                    "community_id": community.pk,
                    "thread_id": pk,
                    "author_id": rng.choice(people) if number else people[0],
                    "body": body,
                    "body_html": body_html,
                    "language": community.default_language,
                    "is_opening": number == 0,
                    "message_id": None,
                    "created_at": at,
                }
            )
            at += timedelta(minutes=rng.randint(5, 3000))
        threads.append(
            {
                "id": pk,
                "community_id": community.pk,
                "group_id": group.pk if group else None,
                "title": f"{rng.choice(words.ADJECTIVES)} {rng.choice(words.COMMON_WORDS)} question {index}",
                "language": community.default_language,
                "created_by_id": people[0],
                "reply_count": replies,
                "last_post_at": posts[-1]["created_at"],
                "last_post_id": None,
                "created_at": started,
            }
        )
        threads[-1]["_last"] = post_id
    last = {thread.pop("_last"): thread["id"] for thread in threads}
    # Threads first (posts point at them), then posts, then each thread's last post.
    s.writer.insert(Thread, threads)
    s.writer.insert(Post, posts)
    Thread.objects.bulk_update(
        [Thread(pk=thread_id, last_post_id=post_id) for post_id, thread_id in last.items()],
        ["last_post"],
        batch_size=2000,
    )
