"""A Redis cache that fails open: while Redis is unreachable, the site works as if the cache were empty.

What uses the cache here: rate limits (ours and allauth's), the debounce of volunteer
changes, and nothing that must be remembered. Policy during an outage (documented in
the README): reads miss, writes are dropped, ``add`` succeeds. So rate limits are not
enforced until Redis is back (forms still have the honeypot and the minimum fill time),
and a debounced task is queued every time instead of once. Each failure is logged by
kind, never with keys or values (keys can hold hashed client addresses).
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


def _fail_open(method: str, default):
    def wrapped(self, *args, **kwargs):
        try:
            return getattr(super(FailOpenRedisCache, self), method)(*args, **kwargs)
        except UNREACHABLE as exc:
            logger.warning("cache unreachable (%s) in %s; failing open", type(exc).__name__, method)
            return default(*args, **kwargs) if callable(default) else default

    wrapped.__name__ = method
    return wrapped


class FailOpenRedisCache(RedisCache):
    get = _fail_open("get", lambda key, default=None, version=None: default)
    get_many = _fail_open("get_many", lambda *args, **kwargs: {})
    has_key = _fail_open("has_key", False)
    set = _fail_open("set", None)
    set_many = _fail_open("set_many", lambda *args, **kwargs: [])
    add = _fail_open("add", True)
    touch = _fail_open("touch", False)
    delete = _fail_open("delete", False)
    delete_many = _fail_open("delete_many", None)
    clear = _fail_open("clear", None)
    # incr on a missing key raises ValueError in Django; during an outage it counts as the first hit.
    incr = _fail_open("incr", lambda key, delta=1, version=None: delta)
    decr = _fail_open("decr", lambda key, delta=1, version=None: -delta)
