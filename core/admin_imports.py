"""The admin's import page: upload, preview (a dry run naming every bad row), confirm.

The upload is kept under MEDIA_ROOT/imports/ only between a good preview and its confirmation (or
until the background import that reads it ends); every other outcome deletes it at once, and an
upload left by a preview never confirmed is deleted after `UPLOAD_MAX_AGE`.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .exceptions import DomainError, InvalidInput
from .forms import ImportForm
from .imports.base import IMPORTERS, import_file
from .imports.reading import read_table
from .tasks import import_file_task

UPLOADS = "imports"
UPLOAD_MAX_AGE = 24 * 3600  # seconds an unconfirmed preview's upload is kept


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


def import_view(request, admin_site):
    if not request.user.is_supervisor:
        raise PermissionDenied
    context = {**admin_site.each_context(request), "title": _("Import data")}
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, context)
    form = ImportForm(request.POST or None, request.FILES or None)
    context["form"] = form
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
            counts = import_file(kind=kind, source=target, name=upload.name, dry_run=True, actor=request.user)
            kept = True  # until the preview is confirmed
        except InvalidInput as exc:
            context["errors"] = exc.errors[:500]
            context["error_count"] = len(exc.errors)
        except DomainError as exc:  # an unreadable file (named), a run of this kind under way
            messages.error(request, str(exc))
        else:
            context.update(preview=counts, token=token, kind=kind, filename=upload.name)
        finally:
            if not kept:
                target.unlink(missing_ok=True)
    return TemplateResponse(request, "admin/core/run/import.html", context)


def _confirm(request, context):
    token, kind, filename = request.POST.get("token", ""), request.POST.get("kind", ""), request.POST.get("filename", "")
    try:
        path = _stored(token)
    except ValueError:
        path = None
    if path is None:
        messages.error(request, _("The uploaded file is gone; upload it again."))
        return redirect("admin:core_run_import")
    handed_over = False  # to the background import, which deletes it when it ends
    try:
        if kind not in IMPORTERS:
            messages.error(request, _("Choose what the file holds and upload it again."))
            return redirect("admin:core_run_import")
        rows = len(read_table(path, filename))
        if rows > settings.IMPORT_ASYNC_ROW_THRESHOLD:
            transaction.on_commit(
                lambda: import_file_task.delay(kind=kind, path=str(path), name=filename, actor_id=request.user.pk)
            )
            handed_over = True
            messages.info(request, _("The import runs in the background; follow it in the job runs list."))
            return redirect(reverse("admin:core_run_changelist") + f"?job=import_{kind}")
        counts = import_file(kind=kind, source=path, name=filename, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("admin:core_run_import")
    finally:
        if not handed_over:
            path.unlink(missing_ok=True)
    messages.success(
        request,
        _("Imported %(rows)s rows: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
        % counts.as_dict(),
    )
    return redirect("admin:core_run_changelist")
