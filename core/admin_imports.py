"""The admin's import page: upload, preview (a dry run naming every bad row), confirm, progress.

The preview writes nothing and is no job run; only the confirmed import is a Run, whose page shows
its progress (refreshed while it runs). The upload is kept server-side under MEDIA_ROOT/imports/,
named by a token that only the session which previewed it holds (with the kind and file name it was
checked as), between a good preview and its confirmation (or until the background import that reads
it ends); every other outcome deletes it at once, and an upload left by a preview never confirmed is
deleted after `UPLOAD_MAX_AGE`. The confirmation checks every row again and writes nothing if any is bad.

The preview lists what the import will change (`core.imports.changes`): per changed row the record and
each field's old → new value in words, new rows marked, the first `SHOWN` rows and a count of the rest.
The session keeps the digest of that plan with the token; the confirmation writes only the same plan:
a small file is planned again first and, if its plan differs (the file or the registry changed since),
the page says so and shows the new preview to confirm instead (no run); the import itself, here or in
the worker, plans again in its transaction and writes nothing if the plan still differs from the one
confirmed (its run fails, saying so).
"""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .admin_start import supervisor_only
from .broker import broker_check
from .exceptions import DomainError, InvalidInput, RowError, reason_of
from .forms import KIND_LABELS, ImportForm
from .imports.base import IMPORTERS, import_file, import_preview, import_run_start
from .imports.changes import ImportPlan, PreviewOutdated
from .imports.layout import column_guide, template_workbook
from .imports.reading import read_table
from .models import ACTIVE_RUN_STATUSES, Run, RunStatus
from .reports.exports import XLSX, download
from .runs import run_fail
from .tasks import import_file_task

UPLOADS = "imports"
UPLOAD_MAX_AGE = 24 * 3600  # seconds an unconfirmed preview's upload is kept
SESSION_KEY = "import_previews"  # token → {"kind", "filename", "digest"} of the previews this session may confirm
PREVIEWS_KEPT = 5  # per session; an older preview's upload is left to the sweep
REFRESH_SECONDS = 2  # the progress page reloads itself this often while the import runs


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / UPLOADS
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sweep() -> None:
    """Delete uploads older than UPLOAD_MAX_AGE (previews never confirmed)."""
    cutoff = time.time() - UPLOAD_MAX_AGE
    for path in _upload_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _stored(token: str) -> Path | None:
    """The uploaded file behind a preview token (a UUID we issued); ValueError for anything else."""
    token = str(uuid.UUID(token))
    matches = [p for p in _upload_dir().glob(f"{token}.*") if p.stem == token]
    return matches[0] if len(matches) == 1 else None


def _layouts(chosen: str) -> list[dict]:
    """Per kind of file: its columns in words and the address of its empty template (`imports.layout`);
    the chosen kind's shown, the others hidden until the form chooses them."""
    return [
        {"kind": kind, "label": KIND_LABELS.get(kind, kind), "columns": column_guide(kind), "shown": kind == chosen,
         "template_url": reverse("admin:core_run_import_template", args=[kind])}
        for kind in IMPORTERS
    ]  # fmt: skip


def import_view(request, admin_site):
    supervisor_only(request)
    context = {**admin_site.each_context(request), "title": _("Import data"), "step": "upload"}
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, context)
    asked = request.GET.get("kind", "")  # ?kind=supply_plan: the page opens on that kind
    initial = {"kind": asked} if asked in IMPORTERS else {}
    form = ImportForm(request.POST or None, request.FILES or None, initial=initial)
    context["form"] = form
    chosen = request.POST.get("kind") or initial.get("kind") or next(iter(IMPORTERS))
    context["layouts"] = _layouts(chosen if chosen in IMPORTERS else next(iter(IMPORTERS)))
    if request.method == "POST" and form.is_valid():
        _sweep()
        upload = form.cleaned_data["file"]
        token = str(uuid.uuid4())
        target = _upload_dir() / f"{token}{Path(upload.name).suffix.lower()}"
        kind = form.cleaned_data["kind"]
        kept = False
        try:
            with target.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            plan, words = import_preview(kind=kind, source=target, name=upload.name)
            kept = True  # until the preview is confirmed
        except InvalidInput as exc:
            context["errors"] = exc.errors[:500]
            context["error_count"] = len(exc.errors)
        except DomainError as exc:  # an unreadable file (named)
            messages.error(request, str(exc))
        else:
            _show_preview(request, context, plan=plan, words=words, token=token, kind=kind, filename=upload.name)
        finally:
            if not kept:
                target.unlink(missing_ok=True)
    return TemplateResponse(request, "admin/core/run/import.html", context)


def import_template_view(request, kind: str):
    """An empty workbook of one kind's column headings, as the import reads them."""
    supervisor_only(request)
    if kind not in IMPORTERS:
        raise Http404
    label = str(KIND_LABELS.get(kind, kind))
    name = _("Import template - %(kind)s") % {"kind": label}
    return download(template_workbook(kind, label), XLSX, f"{name}.xlsx")


def _show_preview(request, context: dict, *, plan: ImportPlan, words: dict, token: str, kind: str, filename: str) -> None:
    _remember(request, token=token, kind=kind, filename=filename, digest=plan.digest)
    context.update(preview=plan.counts, changes=words, token=token, kind_label=KIND_LABELS.get(kind, kind),
                   filename=filename, step="preview")  # fmt: skip


def _remember(request, *, token: str, kind: str, filename: str, digest: str) -> None:
    previews = dict(request.session.get(SESSION_KEY, {}))
    previews[token] = {"kind": kind, "filename": filename, "digest": digest}
    request.session[SESSION_KEY] = dict(list(previews.items())[-PREVIEWS_KEPT:])


def _take(request, token: str) -> dict | None:
    """The preview this session made under `token` (forgotten: a token confirms once), else None."""
    previews = dict(request.session.get(SESSION_KEY, {}))
    entry = previews.pop(token, None)
    request.session[SESSION_KEY] = previews
    return entry


def _confirm(request, context: dict):
    token = request.POST.get("token", "")
    entry = _take(request, token)
    try:
        path = _stored(token) if entry else None
    except ValueError:
        path = None
    if path is None:
        messages.error(request, _("The uploaded file is gone; upload it again."))
        return redirect("admin:core_run_import")
    kind, filename = entry["kind"], entry["filename"]  # as previewed: never what the form posts back
    digest = entry.get("digest")  # of the plan the preview showed (none: a preview from before digests)
    handed_over = False  # to the background import, which deletes it when it ends, or to a new preview
    try:
        if kind not in IMPORTERS:
            messages.error(request, _("Choose what the file holds and upload it again."))
            return redirect("admin:core_run_import")
        rows = len(read_table(path, filename))
        background = rows > settings.IMPORT_ASYNC_ROW_THRESHOLD
        if not background and digest is not None:
            try:
                plan, words = import_preview(kind=kind, source=path, name=filename)
            except InvalidInput:
                pass  # a row gone bad since the preview: the import below names it on its run
            else:
                if plan.digest != digest:  # the file or the registry changed: show what it would do now
                    context["outdated"] = str(PreviewOutdated())
                    _show_preview(request, context, plan=plan, words=words, token=token, kind=kind, filename=filename)
                    handed_over = True
                    return TemplateResponse(request, "admin/core/run/import.html", context)
        # RunOverlap: one import of a kind at a time
        run = import_run_start(kind=kind, name=filename, actor=request.user, queued=background)
        if background:
            try:
                broker_check()
                import_file_task.delay(kind=kind, path=str(path), name=filename, actor_id=request.user.pk, run_id=run.pk,
                                       expected=digest)  # fmt: skip
            except Exception as exc:
                run_fail(run, error=reason_of(exc) or str(exc))
                raise
            handed_over = True
        else:
            try:
                import_file(kind=kind, source=path, name=filename, actor=request.user, run=run, expected=digest)
            except DomainError:  # a row gone bad, a plan changed since the preview, ...: kept on the run, shown on its page
                pass
    except DomainError as exc:  # unreadable now, an import of this kind under way, no broker
        messages.error(request, str(exc))
        return redirect("admin:core_run_import")
    finally:
        if not handed_over:
            path.unlink(missing_ok=True)
    return redirect("admin:core_run_import_progress", pk=run.pk)


STEP_LABELS = {"read": gettext_lazy("Reading the file"), "validate and write": gettext_lazy("Checking and writing the rows")}
_EXCEPTION_PREFIX = re.compile(r"^[\w.]+(Error|Exception|Overlap|Input|Unavailable|Denied|File)\b: ")


def import_progress_view(request, admin_site, pk: int):
    """A confirmed import's run: its progress bar while it runs, then what it wrote or why it failed."""
    supervisor_only(request)
    run = get_object_or_404(Run.objects.filter(job__startswith="import_"), pk=pk)
    kind = run.job.removeprefix("import_")
    running = run.status in ACTIVE_RUN_STATUSES
    counts = run.counts or {}
    context = {
        **admin_site.each_context(request),
        "title": _("Import data"),
        "step": "progress",
        "run": run,
        "running": running,
        "refresh_seconds": REFRESH_SECONDS if running else None,
        "kind_label": KIND_LABELS.get(kind, kind),
        "filename": (run.params or {}).get("file", ""),
        "step_label": STEP_LABELS.get(run.step, run.step),
        "succeeded": run.status == RunStatus.SUCCEEDED,
        "counts": {k: f"{counts.get(k, 0):,}" for k in ("rows", "created", "updated", "unchanged")},
        "errors": [RowError.shown(e) for e in counts.get("row_errors") or []],  # in the reader's language
        "error_count": counts.get("row_error_count", 0),
        "error": _EXCEPTION_PREFIX.sub("", run.error_words),  # a reason the system kept, in the reader's language
        "runs_url": reverse("admin:core_run_changelist") + f"?job={run.job}",
    }
    return TemplateResponse(request, "admin/core/run/import_progress.html", context)
