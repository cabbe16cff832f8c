from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .exceptions import Reason
from .labels import audit_action_label, audit_object_label, job_label, stored_words


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


ACTIVE_RUN_STATUSES = (RunStatus.PENDING, RunStatus.RUNNING)


class Run(models.Model):
    """One execution of a long job (import, nightly job, allocation, ...).

    At most one run of a job over a scope is active at a time (conditional unique
    constraint, plus an advisory lock on PostgreSQL).
    """

    job = models.CharField(_("job"), max_length=64, db_index=True)
    scope = models.CharField(_("scope"), max_length=128, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    timings = models.JSONField(_("timings (s)"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("started by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "scope"],
                condition=models.Q(status__in=ACTIVE_RUN_STATUSES),
                name="one_active_run_per_job_scope",
            )
        ]

    def __str__(self) -> str:
        scope = f" {self.scope}" if self.scope else ""
        return f"{job_label(self.job)}{scope} #{self.pk} {self.get_status_display()}"

    @property
    def job_words(self) -> str:
        return job_label(self.job)

    @property
    def step_words(self) -> str:
        """The current step in the reader's language: a stage's name through the catalog ("read and
        score" → 读取并评分), a step the system kept as a Reason ("4/13 lines") translated now."""
        return stored_words(self.step) if self.step else ""

    @property
    def error_words(self) -> str:
        """The error in the reader's language: one the system wrote is kept as a Reason
        (`core.exceptions.Reason.text`, e.g. a stale run's) and translated now; other text as it is."""
        return Reason.shown(self.error)

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class AuditEntry(models.Model):
    """A state change that matters: who, what, why, before and after."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("actor")
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        """The page's title: its time local, as its 时间 field; its object in words (城关便利店 · 许可证 …)."""
        from .audit_words import objects_words

        at = timezone.localtime(self.at) if self.at else timezone.localtime()
        shown = objects_words([self])[self.pk] if self.pk else self.object_id
        return f"{at:%Y-%m-%d %H:%M} {audit_action_label(self.action)} {audit_object_label(self.object_type)} {shown}"

    @property
    def reason_words(self) -> str:
        """The reason in the reader's language: one the system wrote is kept as a Reason
        (`core.exceptions.Reason.text`) and translated now; a person's words as they typed them. Rows
        written before reasons were kept so read as they were stored."""
        return Reason.shown(self.reason)


class OwedCacheDelete(models.Model):
    """A delete the shared cache (Redis, `core.cache`) could not be asked to make: a revoked session
    or token, a changed user or quota whose old copy Redis may still hold. Kept in the database, so
    every process finds it (not only the one whose call failed, and after a restart): each looks
    for these before it reads from Redis, at least every `core.cache.OWED_CHECK_EVERY` seconds, and
    the first that reaches Redis makes the deletes and removes the rows."""

    cache = models.CharField(_("cache"), max_length=16, db_index=True)  # which Redis (a hash of its address)
    key = models.TextField(_("cache key"))  # as stored in Redis (prefix and version included)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cache delete owed")
        verbose_name_plural = _("cache deletes owed")

    def __str__(self) -> str:
        return self.key
