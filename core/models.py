from django.db import models


class DeferredTask(models.Model):
    """A task that could not be queued because the broker was unreachable.

    Only a task name and id arguments (never personal data, as in every task's
    arguments). ``core.tasks.deferred_tasks_relay`` queues it again once the
    broker answers.
    """

    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "zurückgestellte Aufgabe"
        verbose_name_plural = "zurückgestellte Aufgaben"

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"
