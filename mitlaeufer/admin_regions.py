"""The admins of other packages (and core's outbox) closed to regional coordinators.

They hold personal data of every region with no path to one: user accounts and e-mail addresses
(every volunteer has one), second factors, the audit trail (changed values of any request or
volunteer), the outbox (addresses and texts of mails), and the scheduler. Called from
``MitlaeuferConfig.ready``, which runs after the admin's autodiscovery has registered them.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, User
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule

from core.models import OutgoingMail
from geo.admin_scope import register_national_only

NATIONAL_ONLY_MODELS = (
    User,
    Group,
    EmailAddress,
    Authenticator,
    LogEntry,
    OutgoingMail,
    PeriodicTask,
    ClockedSchedule,
    CrontabSchedule,
    SolarSchedule,
    IntervalSchedule,
)


def admin_regions_close() -> None:
    register_national_only(*NATIONAL_ONLY_MODELS)
