"""Monthly orientation notes (QĐ 784): published with their files by a province or a commune, read by
the units above and below, served only through a scoped download, shown on the meeting form of
the month, and counted in the meetings report once a meeting records it was discussed.
"""

import datetime
import io
import zipfile
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from cadres import notes
from cadres.models import NoteAttachment, OrientationNote
from demo.duty_notes import minimal_pdf
from meetings.models import Meeting
from reports.selectors import meetings_report
from tests import factories
from tests.pages import says, text

D = datetime.date
MARCH = D(2024, 3, 1)


def docx(*extra: str) -> bytes:
    """A Word package: its content types and its document (and ``extra`` parts, e.g. macros)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr("word/document.xml", "<w:document/>")
        for name in extra:
            package.writestr(name, b"\x00" * 16)
    return buffer.getvalue()


PDF = minimal_pdf("Dinh huong thang 3/2024")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.fixture
def people(tree):
    other = factories.second_province()
    return SimpleNamespace(
        tree=tree,
        other=other,
        province=factories.user(Role.PROVINCE, tree.province, username="tinh99"),
        commune_a=factories.user(Role.COMMUNE, tree.commune_a, username="xa-a"),
        commune_b=factories.user(Role.COMMUNE, tree.commune_b, username="xa-b"),
        district_a=factories.user(Role.DISTRICT, tree.district_a, username="huyen-a"),
        cadre=factories.user(Role.CADRE, tree.commune_a, username="canbo-a"),
        other_province=factories.user(Role.PROVINCE, other.province, username="tinh97"),
    )


def form_data(**extra) -> dict:
    return {
        "area": "",
        "title": "Định hướng sinh hoạt tháng 3/2024",
        "month": 3,
        "year": 2024,
        "organizations": [factories.organization("DOAN").pk],
        "text": "Học tập nghị quyết.",
        **extra,
    }


def publish(client, user, area, **extra):
    client.force_login(user)
    return client.post(reverse("notes:add"), form_data(area=area.pk, **extra))


# --- Publishing ------------------------------------------------------------------------------


def test_a_provincial_officer_publishes_a_note_with_files(client, people, media):
    client.force_login(people.province)
    page = client.get(reverse("notes:add"))
    assert page.status_code == 200
    assert page.context["form"]["area"].value() == people.tree.province.pk  # their own unit, chosen already
    files = [upload("Định hướng.pdf", PDF), upload("ke-hoach.docx", docx()), upload("anh.PNG", PNG)]
    response = publish(client, people.province, people.tree.province, files=files)
    note = OrientationNote.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("notes:detail", args=[note.pk])
    assert (note.month, note.area, note.published_by) == (MARCH, people.tree.province, people.province)
    attachments = {a.name: a for a in note.attachments.all()}
    assert set(attachments) == {"Định hướng.pdf", "ke-hoach.docx", "anh.PNG"}
    assert attachments["anh.PNG"].content_type == "image/png"
    assert attachments["Định hướng.pdf"].size == len(PDF)
    # Stored under random names, not the user's.
    assert len(stored_files(media)) == 3
    for attachment in attachments.values():
        assert attachment.name not in attachment.file.name
        assert attachment.file.name.startswith("notes/")
    detail = client.get(response.url)
    for attachment in attachments.values():
        assert reverse("notes:file", args=[attachment.pk]) in text(detail)
        assert attachment.file.name not in text(detail)  # no address of the stored file


NOT_ACCEPTED = _("“%(name)s” is not a PDF, Word (.docx), PNG or JPEG file.")
MISMATCH = _("“%(name)s” is not what its name says (a %(extension)s file): it was refused.")
TOO_BIG = _("“%(name)s” is %(size)s; the largest file accepted is %(limit)s.")


def refusal(message, name: str) -> str:
    """The page's words of a refusal up to its first detail other than the file's name."""
    with translation.override("vi"):
        return (str(message) % {"name": name, "extension": "\0", "size": "\0", "limit": "\0"}).split("\0")[0]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cong-van.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, MISMATCH),
        ("bieu-mau.docm", docx("word/vbaProject.bin"), NOT_ACCEPTED),
        ("bieu-mau.docx", docx("word/vbaProject.bin"), MISMATCH),
        ("nen.docx", b"PK\x03\x04" + b"\x00" * 40, MISMATCH),
        ("chay.exe", b"MZ\x90\x00", NOT_ACCEPTED),
        ("anh.jpg", PNG, MISMATCH),
    ],
    ids=["exe renamed pdf", "docm", "docm renamed docx", "not a word package", "exe", "png renamed jpg"],
)
def test_a_refused_file_says_why_and_nothing_is_stored(client, people, media, name, content, message):
    good = upload("ke-hoach.pdf", PDF)
    response = publish(client, people.province, people.tree.province, files=[good, upload(name, content)])
    assert response.status_code == 200
    assert refusal(message, name) in text(response)
    assert not OrientationNote.objects.exists()
    assert stored_files(media) == []


def test_a_file_too_large_is_refused(client, people, media, settings):
    settings.NOTE_MAX_UPLOAD_SIZE = 1000
    big = upload("lon.pdf", PDF + b"%" * 1000)
    response = publish(client, people.province, people.tree.province, files=[big])
    with translation.override("vi"):
        limit = filesizeformat(1000)
    assert refusal(TOO_BIG, "lon.pdf") in text(response)
    assert limit in text(response)
    assert not OrientationNote.objects.exists()
    assert stored_files(media) == []


def test_the_service_refuses_what_the_form_would_and_another_units_note(people, media):
    with pytest.raises(ValidationError):
        notes.publish_note(
            user=people.province,
            area=people.tree.province,
            month=D(2024, 3, 17),
            title="X",
            organizations=[factories.organization()],
            files=[upload("x.pdf", b"not a pdf")],
        )
    # A commune publishes for itself, not for its province or a sibling.
    for area in (people.tree.province, people.tree.commune_b):
        with pytest.raises(ValidationError):
            notes.publish_note(
                user=people.commune_a, area=area, month=MARCH, title="X", organizations=[factories.organization()]
            )
    assert not OrientationNote.objects.exists()
    assert stored_files(media) == []
    note = notes.publish_note(
        user=people.commune_a,
        area=people.tree.commune_a,
        month=D(2024, 3, 17),
        title="X",
        organizations=[factories.organization()],
    )
    assert note.month == MARCH


def test_the_form_asks_for_what_is_missing(client, people):
    client.force_login(people.province)
    response = client.post(reverse("notes:add"), form_data(area=people.tree.province.pk, title="", organizations=[]))
    assert set(response.context["form"].errors) == {"title", "organizations"}
    response = client.post(reverse("notes:add"), form_data(area=people.tree.commune_b.pk, year=1999))
    assert "year" in response.context["form"].errors
    assert not OrientationNote.objects.exists()


def test_who_may_publish(client, people):
    for user, status in ((people.cadre, 403), (people.district_a, 200), (people.commune_a, 200)):
        client.force_login(user)
        assert client.get(reverse("notes:add")).status_code == status, user.role
    client.force_login(people.commune_a)
    units = client.get(reverse("notes:add")).context["form"].fields["area"].queryset
    assert list(units) == [people.tree.commune_a]


# --- Scope -----------------------------------------------------------------------------------


@pytest.fixture
def published(people):
    doan = factories.organization()
    province_note = notes.publish_note(
        user=people.province,
        area=people.tree.province,
        month=MARCH,
        title="Tỉnh: định hướng tháng 3",
        organizations=[doan],
        files=[upload("tinh.pdf", PDF)],
    )
    commune_note = notes.publish_note(
        user=people.commune_a,
        area=people.tree.commune_a,
        month=MARCH,
        title="Xã Tân Mỹ: định hướng tháng 3",
        organizations=[doan],
        files=[upload("xa.png", PNG)],
    )
    return SimpleNamespace(province=province_note, commune=commune_note)


def pages_of(note: OrientationNote) -> list[str]:
    attachment = note.attachments.get()
    return [
        reverse("notes:detail", args=[note.pk]),
        reverse("notes:edit", args=[note.pk]),
        reverse("notes:file", args=[attachment.pk]),
    ]


def test_a_note_is_read_above_and_below_its_unit_and_nowhere_else(client, people, published):
    # The commune reads its province's note and file, but does not change them.
    client.force_login(people.commune_a)
    detail, edit, download = pages_of(published.province)
    assert client.get(detail).status_code == 200
    assert client.get(download).status_code == 200
    assert client.get(edit).status_code == 403
    # The province reads the commune's.
    client.force_login(people.province)
    assert [client.get(url).status_code for url in pages_of(published.commune)] == [200, 200, 200]
    # Another province, and a sibling commune, do not know the commune's note exists.
    for user in (people.other_province, people.commune_b):
        client.force_login(user)
        assert [client.get(url).status_code for url in pages_of(published.commune)] == [404, 404, 404], user
    client.force_login(people.other_province)
    assert [client.get(url).status_code for url in pages_of(published.province)] == [404, 404, 404]
    file_of_commune = published.commune.attachments.get()
    assert client.post(reverse("notes:file_delete", args=[file_of_commune.pk])).status_code == 404
    client.force_login(people.commune_b)
    assert client.get(pages_of(published.province)[0]).status_code == 200  # its own province's note


def test_the_list_shows_what_the_user_reads(client, people, published):
    client.force_login(people.commune_b)
    listed = client.get(reverse("notes:list"))
    assert list(listed.context["notes"]) == [published.province]
    client.force_login(people.commune_a)
    listed = client.get(reverse("notes:list"), {"month": "2024-03"})
    assert set(listed.context["notes"]) == {published.province, published.commune}
    assert list(client.get(reverse("notes:list"), {"month": "2024-04"}).context["notes"]) == []
    hnd = factories.organization("HND")
    assert list(client.get(reverse("notes:list"), {"organization": hnd.pk}).context["notes"]) == []
    client.force_login(people.other_province)
    assert list(client.get(reverse("notes:list")).context["notes"]) == []


def test_a_file_is_served_only_by_the_scoped_view_as_a_download(client, people, published, media):
    attachment = published.province.attachments.get()
    client.force_login(people.commune_a)
    response = client.get(reverse("notes:file", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="tinh.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    # The stored file has no address of its own: media is not served.
    assert client.get("/" + attachment.file.name).status_code == 404
    assert client.get("/media/" + attachment.file.name).status_code == 404
    client.logout()
    assert client.get(reverse("notes:file", args=[attachment.pk])).status_code == 302  # to the login page


def test_changing_a_note_adds_and_removes_files(client, people, published, media, django_capture_on_commit_callbacks):
    note = published.commune
    client.force_login(people.commune_a)
    url = reverse("notes:edit", args=[note.pk])
    data = form_data(area=people.tree.commune_a.pk, title="Xã Tân Mỹ: tháng 4", month=4)
    response = client.post(url, {**data, "files": [upload("them.docx", docx())]})
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.title, note.month) == ("Xã Tân Mỹ: tháng 4", D(2024, 4, 1))
    assert sorted(note.attachments.values_list("name", flat=True)) == ["them.docx", "xa.png"]
    assert len(stored_files(media)) == 3  # the province's file, the commune's two

    png = note.attachments.get(name="xa.png")
    # The province's file is not the commune's to remove.
    assert client.post(reverse("notes:file_delete", args=[published.province.attachments.get().pk])).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notes:file_delete", args=[png.pk]))
    assert response.status_code == 302
    assert not NoteAttachment.objects.filter(pk=png.pk).exists()
    assert len(stored_files(media)) == 2
    assert client.get(reverse("notes:file_delete", args=[png.pk])).status_code == 405


def test_the_admin_lets_a_commune_read_not_change_its_provinces_note(rf, people, published):
    model_admin = admin_site._registry[OrientationNote]
    request = rf.get("/")
    request.user = people.commune_a
    assert set(model_admin.get_queryset(request)) == {published.province, published.commune}
    assert model_admin.has_change_permission(request, published.commune)
    assert not model_admin.has_change_permission(request, published.province)
    assert not model_admin.has_delete_permission(request, published.province)
    request.user = people.cadre
    assert not model_admin.has_add_permission(request)
    request.user = people.province
    assert model_admin.has_add_permission(request)


# --- On the meeting form, and in the report -------------------------------------------------


def test_the_meeting_form_shows_the_months_notes_and_the_discussion_is_counted(client, people, published):
    branch = factories.branch(people.tree.hamlet_a1, "DOAN", code="A1-DOAN")
    farmers = factories.branch(people.tree.hamlet_a1, "HND", code="A1-HND")
    other_commune = factories.branch(people.tree.hamlet_b1, "DOAN", code="B1-DOAN")
    notes.publish_note(
        user=people.commune_b,
        area=people.tree.commune_b,
        month=MARCH,
        title="Xã Bình Thành: tháng 3",
        organizations=[factories.organization()],
    )
    client.force_login(people.district_a)
    url = reverse("meetings:add", args=[branch.pk])
    data = {"held_on": "15/03/2024", "kind": "regular", "members_present": 0, "orientation_discussed": "on"}
    later = client.post(url, {**data, "held_on": "15/03/2099"})  # refused (a date to come): the form again
    assert later.context["notes"] == []  # nothing published for 03/2099
    march = client.post(url, {**data, "members_present": 5})  # more than the roll: the form of March again
    assert [n.title for n in march.context["notes"]] == ["Tỉnh: định hướng tháng 3", "Xã Tân Mỹ: định hướng tháng 3"]
    assert reverse("notes:detail", args=[published.province.pk]) in text(march)
    assert "Xã Bình Thành" not in text(march)

    response = client.post(url, data)
    meeting = Meeting.objects.get(branch=branch)
    assert response.status_code == 302
    assert meeting.orientation_discussed is True
    page = client.get(reverse("meetings:meeting", args=[meeting.pk]))
    assert says(page, _("Discussed at the meeting"))
    assert "Tỉnh: định hướng tháng 3" in text(page)
    # Not for another organization's branch, nor in another month.
    assert client.get(reverse("meetings:add", args=[farmers.pk]), {"held_on": "15/03/2024"}).context["notes"] == []
    assert list(notes.notes_for(farmers, MARCH)) == []
    assert list(notes.notes_for(branch, D(2024, 4, 1))) == []
    assert [n.title for n in notes.notes_for(other_commune, MARCH)] == [
        "Tỉnh: định hướng tháng 3",
        "Xã Bình Thành: tháng 3",
    ]

    factories.meeting(farmers, held_on=D(2024, 3, 20))  # not discussed
    report = meetings_report(area=people.tree.commune_a, start=MARCH, end=D(2024, 3, 31), today=D(2024, 4, 5))
    assert report.total["notes_discussed"] == 1
    assert report.total["meetings"] == 2
