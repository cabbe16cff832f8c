"""The admin's import page: upload, preview (a dry run naming every bad row), confirm."""

from __future__ import annotations

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

from .exceptions import InvalidInput, RunOverlap
from .forms import ImportForm
from .imports.base import import_file
from .imports.reading import read_table
from .tasks import import_file_task

UPLOADS = "imports"


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / UPLOADS
    path.mkdir(parents=True, exist_ok=True)
    return path


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
        upload = form.cleaned_data["file"]
        token = str(uuid.uuid4())
        target = _upload_dir() / f"{token}{Path(upload.name).suffix.lower()}"
        with target.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        kind = form.cleaned_data["kind"]
        try:
            counts = import_file(kind=kind, source=target, name=upload.name, dry_run=True, actor=request.user)
        except InvalidInput as exc:
            target.unlink(missing_ok=True)
            context["errors"] = exc.errors[:500]
            context["error_count"] = len(exc.errors)
        except (RunOverlap, ValueError) as exc:
            target.unlink(missing_ok=True)
            messages.error(request, str(exc))
        else:
            context.update(preview=counts, token=token, kind=kind, filename=upload.name)
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
    rows = len(read_table(path))
    if rows > settings.IMPORT_ASYNC_ROW_THRESHOLD:
        transaction.on_commit(
            lambda: import_file_task.delay(kind=kind, path=str(path), name=filename, actor_id=request.user.pk)
        )
        messages.info(request, _("The import runs in the background; follow it in the job runs list."))
        return redirect(reverse("admin:core_run_changelist") + f"?job=import_{kind}")
    try:
        counts = import_file(kind=kind, source=path, name=filename, actor=request.user)
    except (InvalidInput, RunOverlap) as exc:
        messages.error(request, str(exc))
        return redirect("admin:core_run_import")
    finally:
        path.unlink(missing_ok=True)
    messages.success(
        request,
        _("Imported %(rows)s rows: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
        % counts.as_dict(),
    )
    return redirect("admin:core_run_changelist")
