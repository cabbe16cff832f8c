"""Strings of the libraries (django-unfold, Django's auth forms as unfold words them, django-celery-beat, django-axes,
django-import-export as unfold words it)
that their own Chinese catalogs lack: translated in ours (locale/zh_Hans), listed here so that
`makemessages` keeps them. Nothing imports this module; the admin finds them through gettext."""

from django.utils.translation import gettext_noop

LIBRARY_STRINGS = [
    gettext_noop("Select value"),
    gettext_noop("Select action"),
    gettext_noop("Select all rows"),
    gettext_noop("No results found"),
    gettext_noop("This page yielded into no results. Create a new item or reset your filters."),
    gettext_noop("Reset filters"),
    gettext_noop("This item will be deleted."),
    gettext_noop("Click to cancel"),
    gettext_noop("After you've created a user, you’ll be able to edit more user options."),
    gettext_noop(
        "Raw passwords are not stored, so there is no way to see this user’s password, but you can change the "
        'password using <a href="{}" class="text-primary-600 dark:text-primary-500">this form</a>.'
    ),
    gettext_noop('Cron Months (1-12) Of The Year to Run. Use "*" for "all". (Example: "1,12")'),
    gettext_noop('Cron Days Of The Week to Run. Use "*" for "all", Sunday is 0 or 7, Monday is 1. (Example: "0,5")'),
    gettext_noop("Select format"),
    gettext_noop("This exporter will export the following fields"),
    gettext_noop("Execution Options"),
    gettext_noop("Periodic Tasks Using This Schedule"),
    gettext_noop("Schedule"),  # django-celery-beat's headings of a periodic task's page
    gettext_noop("Arguments"),
]

# django-axes's model names (its Chinese catalog lacks them).
AXES_STRINGS = [
    gettext_noop("access attempt"), gettext_noop("access attempts"),
    gettext_noop("access attempt expiration"), gettext_noop("access attempt expirations"),
    gettext_noop("access failure"), gettext_noop("access failures"), gettext_noop("access log"), gettext_noop("access logs"),
]  # fmt: skip

# Words our code stores as they are and the pages translate when they show them (core.labels): a
# history's change reason, a job's step and the keys of its parameters, counts and timings.
STORED_WORDS = [
    gettext_noop("default policy"), gettext_noop("demo city"),
    gettext_noop("generate"), gettext_noop("registry"), gettext_noop("indexes and foreign keys"),
    gettext_noop("weekly purchases"), gettext_noop("analyze"), gettext_noop("weeks"), gettext_noop("seed"),
    gettext_noop("managers"), gettext_noop("repeat violators"), gettext_noop("penalties"),
]  # fmt: skip
