"""The content version of a Redis page cache, held in each worker's memory and renewed by pub/sub.

With Redis as the page cache (several machines), reading the content version from Redis on every hit
cost a round trip (about 80 µs, a third of a cached page). Instead each worker process keeps the
version in memory, and a thread of its own listens on a Redis channel for new ones:

- a change (web.page_cache.version.bump_content_version) stores the new version in Redis, publishes it,
  and waits until every listening worker has taken it (each says so on a list of that version; PUBLISH
  tells how many listen), so the request after a publication is answered fresh by every worker, not
  merely soon after. A worker that does not answer within VERSION_ACK_SECONDS is logged and not waited
  for any longer;
- while a worker is not listening (starting, or its connection lost) its copy is None and each request
  reads the version from Redis, as before (and fails as before while Redis is away);
- once it listens again after a lost connection it starts a new version itself: a change committed
  while Redis was away could not publish one, and must not leave the pages from before it in place.

A hit then reads an attribute: no system call, no round trip.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
import weakref
from typing import Any

import redis
from cachelib.redis_base import BaseRedisCache
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)

# How long a listener may stay silent before it is asked for a PONG, and how long the PONG may take
# before the connection counts as lost (a peer gone without closing it).
IDLE_PING_SECONDS = 5.0
PONG_SECONDS = 5.0
# Between attempts to listen again while Redis is away.
RECONNECT_SECONDS = (0.05, 2.0)
# How long a worker's thread waits for a message before it looks whether its app still exists.
POLL_SECONDS = 1.0


class VersionFeed:
    """One process's copy of the content version kept in a Redis cache, and the channel that renews it.

    `version` is the copy (None while the process does not listen); `listen()` starts the thread,
    once per process; `publish()` makes a new version the current one for every worker.
    """

    def __init__(self, backend: BaseRedisCache, key: str, ack_seconds: float) -> None:
        self.backend = backend
        self.key = key
        self.ack_seconds = ack_seconds
        prefix = backend._get_prefix()
        client: redis.Redis = backend._write_client
        # Channels are shared by every database of the server: the database number keeps sites apart.
        database = client.connection_pool.connection_kwargs.get("db", 0)
        self.channel = f"{prefix}{key}@{database}"
        self.acks_prefix = f"{prefix}{key}/acks/"
        self.client = client
        self.pid = os.getpid()
        self.version: str | None = None
        # Set once this process has listened; a later (re)connection then starts a new version.
        self.listened = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # --- the shared value ----------------------------------------------------------------------

    def read(self) -> str:
        """Return the version stored in Redis, starting one if none is (first start, a flushed Redis)."""
        version = self.backend.get(self.key)
        if version is None:
            candidate = secrets.token_hex(8)
            # add, not set: when several workers start at once, the first one's token wins for all.
            if self.backend.add(self.key, candidate, timeout=0):
                return candidate
            version = self.backend.get(self.key) or candidate
        return str(version)

    def publish(self, *, wait: bool = True) -> str:
        """Store and announce a new version; with wait, return once every listener holds it."""
        version = secrets.token_hex(8)
        self.backend.set(self.key, version, timeout=0)
        listeners = int(self.client.publish(self.channel, version))
        if wait and listeners:
            self._wait_for_acks(version, listeners)
        return version

    def _wait_for_acks(self, version: str, listeners: int) -> None:
        acks = self.acks_prefix + version
        deadline = time.monotonic() + self.ack_seconds
        taken = 0
        try:
            while taken < listeners:
                left = deadline - time.monotonic()
                if left <= 0 or self.client.blpop([acks], timeout=left) is None:
                    log.warning(
                        "%d of %d workers did not confirm the new content version within %.1f s; they may "
                        "answer a request or two with the previous pages",
                        listeners - taken,
                        listeners,
                        self.ack_seconds,
                    )
                    return
                taken += 1
        finally:
            self.client.delete(acks)

    # --- this process's copy --------------------------------------------------------------------

    def listen(self) -> None:
        """Start this process's listening thread, unless it runs already."""
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=_listen,
                    args=(weakref.ref(self), _listening_client(self.client), self.channel),
                    name="content-version-feed",
                    daemon=True,
                )
                self._thread.start()

    def _take(self, version: str) -> None:
        """Hold a published version and say so to the worker that published it."""
        self.version = version
        acks = self.acks_prefix + version
        with self.client.pipeline(transaction=False) as pipe:
            pipe.rpush(acks, "1")
            pipe.expire(acks, 60)
            pipe.execute()


def _listening_client(client: redis.Redis) -> redis.Redis:
    """Return a client to the cache's server that never reconnects by itself.

    redis-py's pub/sub reconnects and subscribes again on its own, silently: messages sent meanwhile
    would be lost without the feed knowing. With no retries, a lost connection is an error here.
    """
    pool = client.connection_pool
    settings = {**pool.connection_kwargs, "retry": Retry(NoBackoff(), 0)}
    settings.setdefault("socket_connect_timeout", 5)
    settings["socket_connect_timeout"] = settings["socket_connect_timeout"] or 5
    return redis.Redis(connection_pool=type(pool)(connection_class=pool.connection_class, **settings))


def _listen(feed_ref: weakref.ref[VersionFeed], client: redis.Redis, channel: str) -> None:
    """The listening thread: hold the feed's version while subscribed, None while not; end with the app."""
    pause = RECONNECT_SECONDS[0]
    try:
        while (feed := feed_ref()) is not None:
            del feed
            try:
                _listen_once(feed_ref, client, channel)
            except (redis.RedisError, OSError) as error:
                if (feed := feed_ref()) is None:
                    break
                was_live, feed.version = feed.version is not None, None
                del feed
                if was_live:
                    log.warning("lost the content version channel (%r): reading the version from Redis until it is back", error)
                time.sleep(pause)
                pause = min(pause * 2, RECONNECT_SECONDS[1])
            else:
                pause = RECONNECT_SECONDS[0]
    finally:
        client.close()


def _listen_once(feed_ref: weakref.ref[VersionFeed], client: redis.Redis, channel: str) -> None:
    """Subscribe, take the current version, then follow the channel until the connection fails."""
    pubsub = client.pubsub()
    try:
        pubsub.subscribe(channel)
        while (message := pubsub.get_message(timeout=POLL_SECONDS)) is None or message["type"] != "subscribe":
            if feed_ref() is None:
                return
        feed = feed_ref()
        if feed is None:
            return
        # Subscribed first, read second: no version published from now on can be missed. After a lost
        # connection a change may have gone unannounced (Redis away when it was committed): start anew.
        feed.version = feed.publish(wait=False) if feed.listened else feed.read()
        if feed.listened:
            log.warning("the content version channel is back: started a new content version")
        feed.listened = True
        del feed
        heard = time.monotonic()
        pinged: float | None = None
        while True:
            message = pubsub.get_message(timeout=POLL_SECONDS)
            feed = feed_ref()
            if feed is None:
                return
            now = time.monotonic()
            if message is not None:
                heard, pinged = now, None
                if message["type"] == "message":
                    feed._take(_text(message["data"]))
            elif pinged is not None and now - pinged > PONG_SECONDS:
                raise redis.ConnectionError("no PONG from Redis")
            elif pinged is None and now - heard > IDLE_PING_SECONDS:
                pubsub.ping()
                pinged = now
            del feed
    finally:
        pubsub.close()


def _text(data: Any) -> str:
    return data.decode() if isinstance(data, bytes) else str(data)


def version_feed(backend: Any, key: str, ack_seconds: float) -> VersionFeed | None:
    """Return a feed for this backend when it is a Redis cache, else None."""
    if not isinstance(backend, BaseRedisCache):
        return None
    return VersionFeed(backend, key, ack_seconds)
