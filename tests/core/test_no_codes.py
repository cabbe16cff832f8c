"""No code-speak in front of a user (issue 19): every admin page a supervisor and a customer manager
can open, and every phone page a retailer can, rendered in Chinese and in English, shows no English
msgid left untranslated on a Chinese page, no raw code (JSON, an enum's code as a value, a
snake_case name, "Tablib Dataset") and no Chinese from our catalog on an English page.

The demo city is built once for the module (small numbers) in a transaction rolled back at the end;
each page is rendered once per role and language. Only what a person reads is checked: the text
between tags, without <script>/<style>/<template> and without attribute values."""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, URLPattern, URLResolver, reverse
from django.utils import timezone

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u3400-\u9fff]")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z]+(?:[ -][A-Za-z][a-z]+)+\b")  # two English words or more
JSON_LIKE = re.compile(r"[{\[]\s*\"[A-Za-z_]+\"\s*:")


# ---------------------------------------------------------------- the catalog and the codes


def _po_entries() -> list[tuple[str, str]]:
    """(msgid, msgstr) of our catalog (plural forms: the first of each)."""
    unescape = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    entries = []
    for block in LOCALE.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[0\])?|msgstr\[\d+\]) (".*")$', line)
            if match:
                key = match.group(1)
                fields[key] = re.sub(r"\\(.)", lambda m: unescape.get(m.group(1), m.group(1)), match.group(2)[1:-1])
            elif line.startswith('"') and key:
                fields[key] += re.sub(r"\\(.)", lambda m: unescape.get(m.group(1), m.group(1)), line[1:-1])
        if fields.get("msgid"):
            entries.append((fields["msgid"], fields.get("msgstr", fields.get("msgstr[0]", ""))))
    return entries


def _catalog() -> tuple[set[str], set[str], set[str]]:
    """English msgids worth looking for on a Chinese page, our Chinese msgstrs, and every msgid (an
    English page may show a word that is also a code: "published", "product")."""
    msgids, msgstrs, words = set(), set(), set()
    for msgid, msgstr in _po_entries():
        words.add(msgid.strip())
        if "%" in msgid or "{" in msgid:
            continue
        if re.search(r"[A-Za-z]{3,}", msgid) and msgid != msgstr:
            msgids.add(msgid.strip())
        if CJK.search(msgstr) and len(msgstr.strip()) >= 2:
            msgstrs.add(msgstr.strip())
    return msgids, msgstrs, words


def _codes() -> tuple[set[str], set[str]]:
    """The codes of every choice field (stored values that differ from their label): long ones are
    looked for as words, short ones ("Z", "B") only as a whole cell."""
    choices = []
    for model in apps.get_models():
        if model._meta.app_label in {"auth", "admin", "contenttypes", "sessions", "django_celery_beat", "axes"}:
            continue
        for field in model._meta.get_fields():
            choices += [(value, str(label)) for value, label in getattr(field, "flatchoices", None) or []]
    labels = {label for _value, label in choices}  # a credit rating "A" is its own label
    words, cells = set(), set()
    for value, _label in choices:
        if isinstance(value, str) and re.fullmatch(r"[A-Za-z_]+", value) and value not in labels:
            (words if len(value) >= 4 else cells).add(value)
    return words, cells


# ---------------------------------------------------------------- the visible text


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    HIDDEN = {"script", "style", "template", "svg"}  # svg text is checked by the charts' own tests

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # the open elements: (tag, does it hide its text)
        self.nodes: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:  # an icon's name (Material Symbols) is not text; nor is text marked translate="no"
            attrs = dict(attrs)  # (literal: a file's headings the import reads as written, in either language)
            literal = "material-symbols" in (attrs.get("class") or "") or attrs.get("translate") == "no"
            self.open.append((tag, tag in self.HIDDEN or literal))

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):  # close up to the matching tag (unclosed <p>, <li>)
            if self.open[i][0] == tag:
                del self.open[i:]
                return

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not any(hides for _tag, hides in self.open):
            self.nodes.append(text)


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.nodes


# Text that may stay as it is on a Chinese page: names, units and formats nobody translates.
ENGLISH_ALLOWED = {
    "Django",
    "Unfold",
    "Excel",
    "XLSX",
    "CSV",
    "PDF",
    "JSON",
    # django-celery-beat's words it does not mark for translation (its model's verbose names, the cron
    # description cron-descriptor writes): the scheduler's pages are the system's, not a daily job's.
    "Task Name",
    "Crontab translation",
    "Human readable",
    "Every minute Asia",
}


TIME_ZONE = re.compile(r"^(?:[A-Z][A-Za-z_ -]+/)+[A-Z][A-Za-z_ -]+$")  # django-celery-beat's time zones
TASK_NAME = re.compile(r"^[a-z_]+(?:\.[a-z_]+)+$")  # a Celery task's registered name (the beat's pages)
LANGUAGE_NAMES = {"简体中文", "English", "zh-hans", "en"}  # the language switch names each in its own


def problems_on_page(nodes: list[str], *, language: str, catalog, codes, data=frozenset()) -> list[str]:
    """What is wrong with a page's text nodes. `data` holds values that are data, not words (logins)."""
    msgids, msgstrs, words = catalog
    code_words, code_cells = codes
    found = []
    for node in nodes:
        if node in data or node in LANGUAGE_NAMES or TIME_ZONE.match(node) or TASK_NAME.match(node):
            continue
        if JSON_LIKE.search(node) and '{"argument": "value"}' not in node:  # the beat's help for a task's JSON
            found.append(f"JSON: {node[:120]}")
        if "Tablib" in node:
            found.append(f"library default: {node[:120]}")
        found += [f"snake_case {name!r} in: {node[:120]}" for name in SNAKE.findall(node)]
        if (node in code_cells or node in code_words) and not (language == "en" and node in words):
            found.append(f"code shown as a value: {node!r}")
        if language == "zh-hans":
            found += [
                f"code {word!r} in: {node[:120]}"
                for word in re.findall(r"[A-Za-z0-9_]+", node)
                if word in code_words and node not in code_words and word not in data
            ]
            if node in msgids:
                found.append(f"untranslated msgid: {node!r}")
            else:
                found += [
                    f"English {run!r} in: {node[:120]}"
                    for run in ENGLISH_RUN.findall(node)
                    if run not in ENGLISH_ALLOWED
                ]
        elif CJK.search(node) and node in msgstrs:
            found.append(f"Chinese from the catalog on an English page: {node[:120]}")
    return found


class _ListCells(HTMLParser):
    """An admin change list's column headers and cells (the table #result_list), as text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside the result list: its nesting of tables
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.in_head = False
        self.icons: list[bool] = []  # the open elements in a cell: is it an icon (its name is no text)

    def handle_starttag(self, tag, attrs):
        if self.cell is not None and tag not in VOID:
            self.icons.append("material-symbols" in (dict(attrs).get("class") or ""))
        if tag == "table" and (self.depth or dict(attrs).get("id") == "result_list"):
            self.depth += 1
        elif self.depth == 1 and tag == "thead":
            self.in_head = True
        elif self.depth == 1 and tag == "tr" and not self.in_head:
            self.rows.append([])
        elif self.depth == 1 and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if self.icons and tag not in ("td", "th"):
            self.icons.pop()
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth == 1 and tag == "thead":
            self.in_head = False
        elif self.depth == 1 and tag in ("td", "th") and self.cell is not None:
            text = " ".join(" ".join(self.cell).split())
            (self.headers if self.in_head else self.rows[-1] if self.rows else []).append(text)
            self.cell, self.icons = None, []

    def handle_data(self, data):
        if self.cell is not None and not any(self.icons):
            self.cell.append(data)


TIER_HEADER = re.compile(r"档位$|\btier$", re.IGNORECASE)  # 档位, 原档位, old tier; not 按档位上限投放
LOGIN_HEADER = re.compile(r"用户名|username", re.IGNORECASE)  # the users list shows logins by design
# four digits or more, ungrouped, with a unit or decimals (a bare whole number may be a code: a license)
UNGROUPED = re.compile(r"^\d{4,}(?:\.\d+)? ?(?:条|元|分|%|cartons|yuan|points)$|^\d{4,}\.\d+$")


def list_problems(html: str, *, usernames: frozenset[str] = frozenset()) -> list[str]:
    """What an admin list shows as code: a tier as a bare number, a figure of four digits or more without
    thousands separators (with or without its unit), a staff member by login (`usernames`: logins of
    people who have a name)."""
    parser = _ListCells()
    parser.feed(html)
    found = []
    for row in parser.rows:
        for header, cell in zip(parser.headers, row, strict=False):
            if TIER_HEADER.search(header) and re.fullmatch(r"\d+", cell):
                found.append(f"a tier as a bare number: {header} = {cell}")
            if UNGROUPED.match(cell):
                found.append(f"a figure without separators: {header} = {cell}")
            if cell in usernames and not LOGIN_HEADER.search(header):
                found.append(f"a login instead of a name: {header} = {cell}")
    return found


# ---------------------------------------------------------------- the data and the pages


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """A small demo city with everything the nightly jobs make, kept for the module and rolled back."""
    from accounts.models import Role
    from core.nightly import run_nightly
    from demo.requests import demo_requests_create
    from demo.services import (
        demo_city_create,
        demo_demand_reports_create,
        demo_first_rerating,
        demo_inspections_create,
        demo_logins_ensure,
        demo_quotas_publish,
    )
    from demo.surveys import demo_surveys_create
    from retailers.models import Retailer

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        atomic._from_testcase = True  # the durable blocks inside nest, as in Django's TestCase
        try:
            demo_city_create(retailers=80, products=12, weeks=10, seed=11)
            demo_first_rerating()
            demo_logins_ensure()
            demo_demand_reports_create()
            demo_quotas_publish()
            demo_inspections_create()
            demo_requests_create()
            demo_surveys_create()
            run_nightly()
            from django.contrib.auth import get_user_model

            users = get_user_model().objects
            shop = Retailer.objects.filter(user__isnull=False).select_related("user").first()
            yield {
                "supervisor": users.get(username="supervisor"),
                "manager": users.get(username="manager1"),
                "retailer": shop.user,
                "role": Role,
            }
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern


def _object_for(model_admin, request):
    return model_admin.get_queryset(request).order_by("pk").first()


def admin_urls(user) -> list[str]:
    """Every admin page the user may open: the index, each list, add form, one object's change form
    and history, and every page of our own (their ids taken from what the user can see)."""
    from retailers.selectors import retailers_visible_to

    request = RequestFactory().get("/admin/")
    request.user = user
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    done = set()
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if not model_admin.has_view_permission(request):
            continue
        urls.append(reverse(f"{info}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{info}_add"))
        one = _object_for(model_admin, request)
        if one is not None:
            urls.append(reverse(f"{info}_change", args=[one.pk]))
            urls.append(reverse(f"{info}_history", args=[one.pk]))
        done.update({f"{info}_changelist", f"{info}_add", f"{info}_change", f"{info}_history", f"{info}_delete"})
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in _walk(model_admin.get_urls()):
            name = pattern.name
            if name in done or name.endswith("_delete") or name.endswith("_autocomplete"):
                continue
            done.add(name)
            regex = pattern.pattern.regex
            keys = list(regex.groupindex)
            if regex.groups != len(keys):  # positional groups (simple_history's one version): skipped
                continue
            if not keys:
                urls.append(reverse(f"admin:{name}"))
            elif keys == ["pk"] and name.startswith(prefix) and one is not None:
                urls.append(reverse(f"admin:{name}", kwargs={"pk": one.pk}))
            elif keys in (["pk"], ["retailer_pk"]) and model._meta.model_name not in {"run"}:
                shop = retailers_visible_to(user=user).order_by("pk").first()
                if shop is not None and ("retailer" in name or "report" in name or "quotas" in name):
                    try:
                        urls.append(reverse(f"admin:{name}", kwargs={keys[0]: shop.pk}))
                    except NoReverseMatch:
                        pass
    return urls


def phone_urls(user) -> list[str]:
    from cycles.selectors import current_cycle
    from service_requests.models import ServiceRequest
    from surveys.models import Wave

    urls = [
        reverse("portal:home"), reverse("portal:cycles"), reverse("portal:prices"), reverse("portal:tag_sheet"),
        reverse("portal:notices"), reverse("portal:tier"), reverse("portal:stock"), reverse("portal:profit"),
        reverse("portal:password_change"), reverse("demand:report"), reverse("service_requests:list"),
        reverse("service_requests:new"), reverse("surveys:list"),
    ]  # fmt: skip
    cycle = current_cycle(timezone.localdate())
    if cycle is not None:
        urls.append(reverse("portal:cycle", kwargs={"starts_on": cycle.starts_on}))
    retailer = user.retailer
    urls += [
        reverse("service_requests:detail", kwargs={"pk": request.pk})
        for request in ServiceRequest.objects.filter(retailer=retailer).order_by("pk")[:1]
    ]
    urls += [reverse("surveys:answer", kwargs={"wave_id": wave.pk}) for wave in Wave.objects.order_by("pk")[:1]]
    return urls


def inspection_urls(user) -> list[str]:
    from retailers.selectors import retailers_visible_to

    urls = [reverse("inspections:retailers")]
    shop = retailers_visible_to(user=user).order_by("pk").first()
    if shop is not None:
        urls += [
            reverse(f"inspections:{name}", kwargs={"retailer_pk": shop.pk})
            for name in ("inspect", "compliance", "tag_sheet", "count")
        ]
    return urls


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _render_all(clients: dict[str, tuple[Client, list[str]]], language: str) -> dict[str, list[str]]:
    from django.contrib.auth import get_user_model

    catalog, codes = _catalog(), _codes()
    from surveys.models import Dimension

    users = get_user_model().objects.values_list("username", "first_name", "last_name")
    data = frozenset(
        [name for user in users for name in (*user, user[0].capitalize(), f"{user[2]}{user[1]}") if name]
        + list(Dimension.objects.values_list("name", flat=True))  # the questionnaire's own words and keys
        + list(Dimension.objects.values_list("code", flat=True))
    )
    logins = frozenset(u for u, first, last in users if (first or last) and u != (first or last))
    rendered: dict[str, int] = defaultdict(int)
    report: dict[str, list[str]] = defaultdict(list)
    for role, (client, urls) in clients.items():
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for url in urls:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            if response.status_code in (302, 403, 404, 405):
                continue
            assert response.status_code == 200, f"{role} {url}: {response.status_code}"
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            rendered[role] += 1
            for problem in problems_on_page(visible_text(response.content.decode()), language=language,
                                            catalog=catalog, codes=codes, data=data):  # fmt: skip
                report[problem].append(f"{role} {url}")
            for problem in list_problems(response.content.decode(), usernames=logins):
                report[problem].append(f"{role} {url}")
            if role == "retailer":  # a retailer never sees a staff login, on any page
                staff = {n for n in visible_text(response.content.decode()) if n in logins}
                report.update({f"a staff login on a phone page: {n}": [url] for n in staff})
    assert rendered["supervisor"] > 150, dict(rendered)  # most of them, not a page of redirects
    assert rendered["manager"] > 60, dict(rendered)
    assert rendered["retailer"] > 12, dict(rendered)
    return report


def _pages(city) -> dict[str, tuple[Client, list[str]]]:
    return {
        "supervisor": (_client(city["supervisor"]), admin_urls(city["supervisor"])),
        "manager": (_client(city["manager"]), admin_urls(city["manager"]) + inspection_urls(city["manager"])),
        "retailer": (_client(city["retailer"]), phone_urls(city["retailer"])),
    }


def _readable(report: dict[str, list[str]]) -> str:
    lines = [f"{len(report)} problems:"]
    for problem, where in sorted(report.items()):
        lines.append(f"  {problem}\n      on {', '.join(sorted(set(where))[:4])}{' …' if len(set(where)) > 4 else ''}")
    return "\n".join(lines)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_speaks_the_language_without_codes(city, language):
    pages = _pages(city)
    assert len(pages["supervisor"][1]) > 150
    assert len(pages["manager"][1]) > 60
    assert len(pages["retailer"][1]) > 12
    report = _render_all(pages, language)
    assert not report, _readable(report)


def test_the_list_checker_finds_bare_tiers_ungrouped_figures_and_logins():
    html = (
        '<table id="result_list"><thead><tr><th>零售户</th><th>档位</th><th>金额</th><th>限量</th><th>客户经理</th>'
        '<th>许可证号</th><th>按档位上限投放</th><th>用户名<span class="material-symbols-outlined">cancel</span></th>'
        "</tr></thead><tbody>"
        "<tr><td>甲店</td><td>30</td><td>12345.60</td><td>1234 条</td><td>manager7</td><td>420102123456</td><td>30</td>"
        "<td>manager7</td></tr>"
        "<tr><td>乙店</td><td>D30</td><td>12,345.60 元</td><td>1,234 条</td><td>张伟</td><td>420102123457</td><td>4</td>"
        "<td>zhang</td></tr>"
        "</tbody></table>"
    )
    assert list_problems(html, usernames=frozenset({"manager7"})) == [
        "a tier as a bare number: 档位 = 30",
        "a figure without separators: 金额 = 12345.60",
        "a figure without separators: 限量 = 1234 条",
        "a login instead of a name: 客户经理 = manager7",
    ]


def test_the_checker_finds_what_it_looks_for():
    catalog = ({"Allocation policy", "Status"}, {"分配规则"}, {"Allocation policy", "Status", "published"})
    codes = ({"urban", "weekly"}, {"Z"})
    nodes = visible_text(
        '<p>市场类型 urban</p><td>Z</td><script>var a_b = "Status";</script><span title="Status">x</span>'
        '<p>{"market_type": "rural"}</p><th>Status</th><p>Tablib Dataset</p><p>Access attempts</p>'
    )
    zh = problems_on_page(nodes, language="zh-hans", catalog=catalog, codes=codes)
    assert any("'urban'" in p for p in zh)
    assert "code shown as a value: 'Z'" in zh
    assert any(p.startswith("JSON") for p in zh)
    assert any("market_type" in p for p in zh)
    assert "untranslated msgid: 'Status'" in zh
    assert any("Tablib" in p for p in zh)
    assert any("'Access attempts'" in p for p in zh)
    assert not any("a_b" in p for p in zh)  # scripts are not read
    en = problems_on_page(
        visible_text('<h1>分配规则</h1><td>测试店1</td><td translate="no">分配规则</td>'),
        language="en", catalog=catalog, codes=codes,
    )  # fmt: skip
    assert en == ["Chinese from the catalog on an English page: 分配规则"]
    published = visible_text("<td>published</td><td>urban</td>")
    assert problems_on_page(published, language="en", catalog=catalog, codes=({"published", "urban"}, set())) == [
        "code shown as a value: 'urban'"  # "published" is also an English word of the catalog
    ]


@pytest.mark.django_db
def test_an_admin_export_reads_as_words(client, supervisor, manager_a):
    """The XLSX of a list: its sheet named after the list, headed by the fields' names, values as
    labels (城网, not urban; a format's name, not Z), a tier as D7, a manager by name; the export
    page's field chooser in the same words."""
    import io

    import openpyxl

    from tests.factories import RetailerFactory

    manager_a.first_name = "王经理"
    manager_a.save()
    RetailerFactory(customer_code="C-1", manager=manager_a, tier=7, market_type="urban", business_format="Z")
    client.force_login(supervisor)
    url = reverse("admin:retailers_retailer_export")
    chooser = visible_text(client.get(url).content.decode())
    assert "客户编码" in chooser
    assert "Customer Code" not in chooser
    fields = ("customer_code", "market_type", "business_format", "tier", "manager__username", "is_vulnerable")
    response = client.post(url, {"format": "1", "resource": "0", **{f"retailerresource_{f}": "on" for f in fields}})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "零售户"
    header = [c.value for c in sheet[1]]
    row = next(
        r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "C-1"
    )  # the module's city may be there too
    assert header == ["客户编码", "业态", "市场类型", "档位", "困难客户", "客户经理"], header  # the resource's order
    assert list(row) == ["C-1", "便利店", "城网", "D7", "否", "王经理"], row
