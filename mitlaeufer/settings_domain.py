"""The platform's own settings (requests, matching, planning, mails, purge, beat), read from the environment.

Split from settings.py to keep each module short; settings.py star-imports it, so every name here is a
Django setting. Every variable is in the README's configuration table.
"""

import environ
from celery.schedules import crontab

from core import privacy_version

# settings.py has already read .env into the environment (unless DJANGO_READ_DOT_ENV=false).
env = environ.Env()

# Consents record the version they agreed to. The default follows the register of personal
# data (core/privacy_version.py): a test fails until it is bumped when the register changes.
PRIVACY_POLICY_VERSION = env.str("PRIVACY_POLICY_VERSION", default=privacy_version.POLICY_VERSION)
COORDINATOR_EMAILS = env.list("COORDINATOR_EMAILS", default=[])
# The coordinators' central line, as written ("0203 123 456"): a tel: link in every page's footer and on the
# rate-limit page, on the flyer and a caller's confirmation sheet, in mails, and for a volunteer who must cancel
# at short notice. Empty: not shown. CENTRAL_PHONE and COORDINATION_PHONE were earlier names for the same line
# and are still read when COORDINATOR_PHONE is not set, so an existing .env keeps working.
COORDINATOR_PHONE = env.str(
    "COORDINATOR_PHONE",
    default=env.str("CENTRAL_PHONE", default=env.str("COORDINATION_PHONE", default="0203 123 456 78")),
)
# Within this many hours before an appointment a volunteer calls instead of cancelling online.
MATCH_CANCEL_CALL_HOURS = env.int("MATCH_CANCEL_CALL_HOURS", default=24)
# Days after the appointment (or a cancellation) until a request's personal data is erased.
REQUEST_RETENTION_DAYS = env.int("REQUEST_RETENTION_DAYS", default=14)
# The request form: how far ahead an appointment must and may be, how many submissions one
# IP address may send in a period, and how long the same contact, office and time counts
# as a duplicate.
REQUEST_MIN_LEAD_HOURS = env.int("REQUEST_MIN_LEAD_HOURS", default=24)
REQUEST_MAX_DAYS_AHEAD = env.int("REQUEST_MAX_DAYS_AHEAD", default=90)
REQUEST_RATE_LIMIT = env.int("REQUEST_RATE_LIMIT", default=10)
REQUEST_RATE_LIMIT_SECONDS = env.int("REQUEST_RATE_LIMIT_SECONDS", default=3600)
# "Link an mich schicken" and "Anfrage wiederfinden": tries per client address and hour, and at most one
# mail per e-mail address in this many seconds.
REQUEST_LINK_RATE_LIMIT = env.int("REQUEST_LINK_RATE_LIMIT", default=5)
REQUEST_LINK_MAIL_SECONDS = env.int("REQUEST_LINK_MAIL_SECONDS", default=600)
REQUEST_DUPLICATE_MINUTES = env.int("REQUEST_DUPLICATE_MINUTES", default=30)
# Partner initiatives: how long the signed link to edit an entry stays valid (the yearly
# "Stimmt Ihr Eintrag noch?" mail brings a fresh one), and how many self-submissions one
# IP address may send per hour.
INITIATIVE_EDIT_LINK_DAYS = env.int("INITIATIVE_EDIT_LINK_DAYS", default=90)
INITIATIVE_SUBMIT_RATE_PER_HOUR = env.int("INITIATIVE_SUBMIT_RATE_PER_HOUR", default=10)
# Accepted volunteer sign-ups per client address and hour (form errors do not count).
SIGNUP_RATE_LIMIT = env.int("SIGNUP_RATE_LIMIT", default=20)
# The public Mitläuferliste's relay form: accepted messages per client address and period, and at most
# this many messages a day to one listed volunteer, however many people write.
PUBLIC_LIST_RELAY_RATE_LIMIT = env.int("PUBLIC_LIST_RELAY_RATE_LIMIT", default=5)
PUBLIC_LIST_RELAY_RATE_SECONDS = env.int("PUBLIC_LIST_RELAY_RATE_SECONDS", default=3600)
PUBLIC_LIST_RELAY_PER_VOLUNTEER_PER_DAY = env.int("PUBLIC_LIST_RELAY_PER_VOLUNTEER_PER_DAY", default=5)
# Public forms without an account: a faster submission than this is treated as a bot.
SPAM_MIN_FILL_SECONDS = env.int("SPAM_MIN_FILL_SECONDS", default=3)
# Tasks live beside the services they wrap (no tasks.py per app); the worker imports these modules.
CELERY_IMPORTS = [
    "core.tasks",
    "core.outbox",
    "directory.initiative_mails",
    "volunteers.services",
    "volunteers.public_list.selectors",
    "matching.engine.index",
    "matching.engine.proposals",
    "matching.requests.notices",
    "matching.requests.purge",
    "matching.requests.statistics",
    "matching.matches.mails",
    "matching.planning.asking",
    "matching.matches.asks",
]
# The mail outbox (core.outbox): a sender that died holds its mail this long (longer than EMAIL_TIMEOUT),
# then the relay sends it; a passing failure waits OUTBOX_BACKOFF_SECONDS, doubled with each attempt
# (at most an hour), up to OUTBOX_MAX_ATTEMPTS, then the mail shows as failed in the admin.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=120)
OUTBOX_BACKOFF_SECONDS = env.int("OUTBOX_BACKOFF_SECONDS", default=30)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RELAY_SECONDS = env.int("OUTBOX_RELAY_SECONDS", default=30)
# Sent mails (addresses and text) are deleted after this many days; failed ones after the second figure.
OUTBOX_SENT_KEEP_DAYS = env.int("OUTBOX_SENT_KEEP_DAYS", default=7)
OUTBOX_FAILED_KEEP_DAYS = env.int("OUTBOX_FAILED_KEEP_DAYS", default=30)
DEFERRED_TASKS_RELAY_SECONDS = env.int("DEFERRED_TASKS_RELAY_SECONDS", default=30)
# Periodic tasks. django_celery_beat's DatabaseScheduler copies these entries into its tables
# when beat starts; coordinators can then adjust them in the admin.
CELERY_BEAT_SCHEDULE = {
    "initiatives-remind-unconfirmed": {
        "task": "directory.initiative_mails.remind_unconfirmed",
        "schedule": crontab(hour=9, minute=30),
    },
    # Erase the personal data of requests past their retention time (REQUEST_RETENTION_DAYS).
    "requests-purge": {"task": "matching.requests.purge.purge_requests", "schedule": crontab(hour=3, minute=15)},
    # Sign-ups never confirmed by e-mail are erased after VOLUNTEER_UNVERIFIED_DAYS.
    "volunteers-purge-unverified": {
        "task": "volunteers.services.purge_unverified",
        "schedule": crontab(hour=3, minute=45),
    },
    # The public list's counts (one aggregate over all volunteers), recomputed before their cache runs out.
    "public-list-counts": {
        "task": "volunteers.public_list.selectors.list_overview_refresh_task",
        "schedule": crontab(minute="*/5"),
    },
    # Volunteers who withdrew their consent are erased after VOLUNTEER_WITHDRAWN_DAYS.
    "volunteers-purge-withdrawn": {
        "task": "volunteers.services.purge_withdrawn",
        "schedule": crontab(hour=3, minute=55),
    },
    # Tasks that could not be queued while the broker was down (core.tasks): queued again soon after it is back.
    "deferred-tasks-relay": {"task": "core.tasks.deferred_tasks_relay", "schedule": DEFERRED_TASKS_RELAY_SECONDS},
    # Outbox mails that are due: retries after a passing failure, and mails whose sender died.
    "outbox-relay": {"task": "core.outbox.outbox_relay", "schedule": OUTBOX_RELAY_SECONDS},
    "outbox-purge": {"task": "core.outbox.outbox_purge_task", "schedule": crontab(hour=3, minute=35)},
    # Requests whose proposal run never happened (a second net under the relay).
    "matching-sweep-unproposed": {
        "task": "matching.engine.proposals.sweep_unproposed_requests",
        "schedule": crontab(minute="*/5"),
    },
    # Unanswered asks: one reminder, then expiry (MATCH_ASK_REMIND_HOURS, MATCH_ASK_EXPIRE_HOURS).
    "matching-asks-sweep": {"task": "matching.matches.asks.asks_sweep", "schedule": crontab(minute="*/10")},
    "matching-reminders": {"task": "matching.matches.mails.send_reminders", "schedule": crontab(minute=5)},
    "matching-feedback": {"task": "matching.matches.mails.send_feedback_requests", "schedule": crontab(minute=35)},
    # The statistics page's and the map's figures for the whole country (1M volunteers: about a second).
    "statistics-refresh": {
        "task": "matching.requests.statistics.statistics_refresh",
        "schedule": crontab(minute="*/5"),
    },
}
# The operator's details for /impressum/.
IMPRINT = {
    "name": env.str("IMPRINT_NAME", default="Mitläufer-Initiative (Demo)"),
    "street": env.str("IMPRINT_STREET", default="Musterstraße 1"),
    "city": env.str("IMPRINT_CITY", default="47051 Duisburg"),
    "email": env.str("IMPRINT_EMAIL", default="kontakt@mitlaeufer.example"),
}
# The audit trail (django-auditlog, see matching/audit.py): no client IP addresses in it.
AUDITLOG_DISABLE_REMOTE_ADDR = True
# Matching: how many ranked candidates a request gets, and the minimum gap
# between two appointments of one volunteer (one hour before and after).
MATCHING_PROPOSALS = env.int("MATCHING_PROPOSALS", default=5)
MATCH_BUFFER_MINUTES = env.int("MATCH_BUFFER_MINUTES", default=60)
# The week's plan (matching.planning): candidates per request, appointments per volunteer in the window,
# the window in days, and CP-SAT's budget in its deterministic time (reproducible; about 5-10 s of CPU per unit
# on this machine kind, the wall-clock limit is 20 times the budget).
PLANNING_CANDIDATES = env.int("PLANNING_CANDIDATES", default=30)
PLANNING_MAX_PER_WEEK = env.int("PLANNING_MAX_PER_WEEK", default=2)
PLANNING_DAYS = env.int("PLANNING_DAYS", default=7)
PLANNING_SOLVER_BUDGET = env.float("PLANNING_SOLVER_BUDGET", default=0.3)
# An unanswered ask: one reminder to the volunteer after this many hours, expiry after this many
# (earlier when the appointment is close: the ask then gets half of the time that is left).
MATCH_ASK_REMIND_HOURS = env.int("MATCH_ASK_REMIND_HOURS", default=24)
MATCH_ASK_EXPIRE_HOURS = env.int("MATCH_ASK_EXPIRE_HOURS", default=48)
# Changes of one volunteer within this many seconds trigger one look at open requests nearby.
MATCHING_VOLUNTEER_DEBOUNCE_SECONDS = env.int("MATCHING_VOLUNTEER_DEBOUNCE_SECONDS", default=60)
# A request older than this without a proposal run is picked up by the sweeper.
MATCHING_SWEEP_AFTER_SECONDS = env.int("MATCHING_SWEEP_AFTER_SECONDS", default=120)
# Run the candidate search as a prepared statement on PostgreSQL (see matching.engine).
# Turn off behind a transaction-pooling proxy such as PgBouncer.
MATCHING_PREPARED_STATEMENTS = env.bool("MATCHING_PREPARED_STATEMENTS", default=True)
# A sign-up whose e-mail address is not confirmed within this many days is erased.
VOLUNTEER_UNVERIFIED_DAYS = env.int("VOLUNTEER_UNVERIFIED_DAYS", default=14)
# A volunteer who withdrew their consent and did not give it again is erased after this many days.
VOLUNTEER_WITHDRAWN_DAYS = env.int("VOLUNTEER_WITHDRAWN_DAYS", default=30)

# Public pages kept whole per process for anonymous visitors (core/page_cache.py): the paths, and how long a kept
# page may live at most (apps also drop them at once when what they show changes, core.page_cache
# .public_pages_changed). Not the public list's region pages: who is listed there must change at once.
PAGE_CACHE_PATHS = [
    r"^/$",
    r"^/anfrage/$",
    r"^/initiativen/$",
    r"^/initiativen/(?!eintragen/)[\w-]+/$",
    r"^/impressum/$",
    r"^/datenschutz/$",
]
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
