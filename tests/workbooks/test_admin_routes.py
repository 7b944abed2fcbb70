"""django-import-export's own import and export are not reachable: every admin route goes through our engine.

The library adds ``import/``, ``process_import/`` (its confirmation) and ``export/`` to each admin it
is mixed into, with a row-by-row importer that knows nothing of scope, services or rating rules.
Here, on each admin with the Import/Export buttons, every route answers without a 500 and writes
nothing, whoever asks and however; the buttons lead to the preview-and-confirm page and to the
template-layout export.
"""

import inspect

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from tests import factories
from workbooks.admin import WorkbookAdminMixin
from workbooks.columns import COLUMNS

from .helpers import rows_of

pytestmark = pytest.mark.django_db

WORKBOOK_ADMINS = sorted(
    (model._meta.label, model_admin)
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, WorkbookAdminMixin)
)
LIBRARY_ROUTES = ("import/", "process_import/", "export/", "import/confirm/", "export/confirm/")


def test_the_workbook_admins():
    assert [label for label, _admin in WORKBOOK_ADMINS] == [
        "areas.Area",
        "branches.Branch",
        "branches.Officer",
        "fees.FeePayment",
        "members.Membership",
        "members.TargetPopulation",
        "ratings.BranchRating",
    ]


@pytest.mark.parametrize(("label", "model_admin"), WORKBOOK_ADMINS, ids=[label for label, _a in WORKBOOK_ADMINS])
def test_no_route_of_a_workbook_admin_runs_the_librarys_views(label, model_admin):
    opts = model_admin.model._meta
    for pattern in model_admin.get_urls():
        view = inspect.unwrap(pattern.callback)
        module = getattr(getattr(view, "__func__", view), "__module__", "")
        assert not module.startswith("import_export"), (label, str(pattern.pattern), module)
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:{opts.app_label}_{opts.model_name}_process_import")


@pytest.fixture
def data(world):
    """One object of each of the six models, in district A, and a rating in district B."""
    person = factories.person("Nguyễn Văn Ánh", 1995, residence=world.hamlet_a1)
    factories.membership(world.doan_a1, person=person)
    factories.officer(world.doan_a1, person)
    factories.target_population(world.hamlet_a1)
    factories.rating(world.doan_b1, state="submitted")
    return world


def everything():
    """What any import could change: the six models' rows, the admin log."""
    from areas.models import Area
    from branches.models import Branch, Officer
    from members.models import Membership, Person, TargetPopulation
    from ratings.models import BranchRating

    models = (Area, Branch, Officer, Membership, Person, TargetPopulation, BranchRating, LogEntry)
    return {model.__name__: sorted(map(repr, model.objects.values_list())) for model in models}


def library_posts(route, rating_id):
    """What the library's forms would post: a made-up kept file, a CSV writing an approved rating."""
    csv = f"id,branch,year,grade,state,score,note\n{rating_id},1,2024,1,approved,100,x\n".encode()
    if route == "process_import/":
        return {"import_file_name": "made-up.csv", "original_file_name": "made-up.csv", "format": "0", "resource": "0"}
    if route.startswith("import/"):
        return {"import_file": SimpleUploadedFile("ratings.csv", csv), "format": "0", "resource": "0"}
    return {"format": "0", "resource": "0", "export_items": [rating_id]}


@pytest.mark.parametrize("who", ["staff_a", "admin"])
@pytest.mark.parametrize(("label", "model_admin"), WORKBOOK_ADMINS, ids=[label for label, _a in WORKBOOK_ADMINS])
def test_every_library_route_answers_without_error_and_writes_nothing(data, client, who, label, model_admin):
    from ratings.models import BranchRating

    opts = model_admin.model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    rating_id = BranchRating.objects.get().pk
    client.force_login(getattr(data, who))
    before = everything()
    for route in LIBRARY_ROUTES:
        for method in ("get", "post"):
            payload = library_posts(route, rating_id) if method == "post" else {}
            response = getattr(client, method)(changelist + route, payload, follow=True)
            assert response.status_code < 500, (route, method, response.status_code)
            assert response.status_code in (200, 403, 404, 405), (route, method, response.status_code)
            if response.status_code == 200:
                # What answers is our import page or a workbook in the template's layout, never the library's.
                assert response.redirect_chain or response["Content-Type"].startswith("application/vnd.openxml")
                if response.redirect_chain:
                    final = response.redirect_chain[-1][0]
                    assert final.startswith(reverse("workbooks:import")) or final.startswith(changelist), final
    assert everything() == before


@pytest.mark.parametrize(("label", "model_admin"), WORKBOOK_ADMINS, ids=[label for label, _a in WORKBOOK_ADMINS])
def test_the_buttons_lead_to_our_engine(data, client, label, model_admin):
    opts = model_admin.model._meta
    client.force_login(data.admin)
    page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).content.decode()
    import_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_import")
    assert f"href='{import_url}'" in page or f'href="{import_url}"' in page
    response = client.get(import_url)
    assert response.url == f"{reverse('workbooks:import')}?kind={model_admin.workbook_kind}"
    export_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_export")
    if model_admin.workbook_export:
        assert export_url in page
        exported = client.get(export_url)
        assert rows_of(exported.content)[0] == [column.header for column in COLUMNS[model_admin.workbook_kind]]
    else:
        assert export_url not in page
        assert client.get(export_url).status_code == 403


def test_an_export_with_a_filter_the_changelist_refuses_is_not_an_error(data, client):
    client.force_login(data.admin)
    response = client.get(reverse("admin:members_membership_export"), {"joined_on__gte": "not a date"})
    assert response.status_code == 302 and "e=1" in response.url
