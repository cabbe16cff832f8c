"""A CSV whose first row has more cells than its header is named as unreadable, never a server error
(tester 2026-11-27: "客户编码,客户经理" over "104201470816,manager1,extra" was a 500 "can only concatenate
str (not "int") to str"; two extra cells: "cannot perform __add__ with this index type: MultiIndex").

pandas takes a first row's extra cells as row labels instead of refusing it as it refuses a later row."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from core.imports.reading import UnreadableFile, read_table
from core.models import Run
from tests.factories import UserFactory

RAGGED = {
    "one extra cell": "客户编码,客户经理\n104201470816,manager1,extra\n",
    "two extra cells": "客户编码,客户经理\n104201470816,manager1,extra,more\n",
    "every row wider": "客户编码,客户经理\n104201470816,manager1,extra\n104201470817,manager2,extra\n",
    "a later row wider": "客户编码,客户经理\n104201470816,manager1\n104201470817,manager2,extra\n",
}


@pytest.mark.parametrize("text", RAGGED.values(), ids=RAGGED.keys())
def test_rows_wider_than_the_header_are_named(text):
    with pytest.raises(UnreadableFile) as refused:
        read_table(io.BytesIO(text.encode()), name="assignments.csv")
    assert refused.value.filename == "assignments.csv"
    assert refused.value.reason.msgid == "its rows do not split into the same columns."


def test_short_rows_still_read_with_their_row_numbers():
    frame = read_table(io.BytesIO("客户编码,客户经理\n104201470816\n104201470817,manager2\n".encode()), name="a.csv")
    assert list(frame.index) == [2, 3]
    assert frame.loc[3, "客户经理"] == "manager2"
    assert frame.loc[2].isna()["客户经理"]


@pytest.mark.django_db
@pytest.mark.parametrize("text", list(RAGGED.values())[:2], ids=list(RAGGED)[:2])
def test_the_admin_import_page_names_the_file(client, settings, tmp_path, text):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(UserFactory(username="boss", role=Role.SUPERVISOR))
    upload = SimpleUploadedFile("assignments.csv", text.encode())
    response = client.post(reverse("admin:core_run_import"), {"kind": "assignments", "file": upload})
    assert response.status_code == 200
    assert "无法读取 assignments.csv：各行的列数不一致。未写入任何数据。" in response.content.decode()
    assert not Run.objects.filter(status="succeeded").exists()
    assert not list(tmp_path.glob("imports/*"))  # the upload is not kept
