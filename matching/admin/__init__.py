"""The coordinators' admin for matching; importing the modules registers their ModelAdmins."""

from matching.admin import matches, referrals, requests  # noqa: F401
