"""Writing materials: what each kind needs, files checked before they are stored, publishing."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from qamqor.core.testing import factories as f
from qamqor.portal.models import Material
from qamqor.portal.services import material_create, material_publish, material_unpublish, material_update
from qamqor.portal.tests.materials import material, mp4, pdf, stored_files


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_a_new_material_is_a_draft_until_published(kindergarten, methodist):
    item = material(kindergarten, published=False, by=methodist.user)
    assert not item.is_published and item.published_at is None
    assert item.created_by == methodist.user
    assert [t.code for t in item.topics.all()] == ["speech"]
    published = material_publish(material=item, by=methodist.user)
    assert published.is_published and published.published_at is not None
    assert not material_unpublish(material=item, by=methodist.user).is_published


def test_a_booklet_is_stored_under_media_root_under_a_name_of_its_own(kindergarten, methodist, media):
    item = material_create(
        organization=kindergarten, by=methodist.user, kind="booklet", language="ru", title_ru="Памятка о сне", upload=pdf()
    )
    assert item.has_pdf
    (stored,) = stored_files(media)
    assert stored.suffix == ".pdf"
    assert stored.parent.name == str(kindergarten.pk)
    assert "жадынама" not in stored.name  # never the name the file came with
    assert stored.read_bytes().startswith(b"%PDF-")


def test_a_fake_pdf_is_refused_and_nothing_is_saved(kindergarten, methodist, media):
    errors = errors_of(
        lambda: material_create(
            organization=kindergarten,
            by=methodist.user,
            kind="memo",
            language="kk",
            title_kk="Жадынама",
            upload=pdf(content=b"<script>alert(1)</script>"),
        )
    )
    assert "file" in errors
    assert Material.objects.count() == 0
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "consultation", "language": "kk", "title_kk": "Ұйқы"}, "body_kk"),
        ({"kind": "consultation", "language": "kk_ru", "title_kk": "Ұйқы", "body_kk": "Мәтін"}, "title_ru"),
        ({"kind": "booklet", "language": "kk", "title_kk": "Буклет"}, "file"),
        ({"kind": "video", "language": "kk", "title_kk": "Бейне"}, "file"),
        ({"kind": "memo", "language": "kk", "title_kk": "Жадынама", "video_url": "https://example.kz/v"}, "video_url"),
        ({"kind": "game", "language": "ru", "title_ru": "Игра"}, "body_ru"),
        ({"kind": "consultation", "language": "kk", "title_kk": "Ұйқы", "body_kk": "М", "age_from": 5, "age_to": 3}, "age_to"),
        ({"kind": "consultation", "language": "kk", "title_kk": "Ұйқы", "body_kk": "М", "age_to": 40}, "age_to"),
    ],
)
def test_what_each_kind_needs(kindergarten, methodist, values, field):
    assert field in errors_of(lambda: material_create(organization=kindergarten, by=methodist.user, **values))
    assert Material.objects.count() == 0


def test_a_video_is_a_file_or_a_link(kindergarten, methodist, media):
    by_link = material_create(
        organization=kindergarten,
        by=methodist.user,
        kind="video",
        language="kk",
        title_kk="Саусақ ойыны",
        video_url="https://video.example.kz/finger-games",
    )
    by_file = material_create(
        organization=kindergarten, by=methodist.user, kind="video", language="kk", title_kk="Саусақ ойыны", upload=mp4()
    )
    assert not by_link.file and by_link.video_url
    assert by_file.has_video_file and by_file.file_type == "video/mp4"
    # A PDF is no video, however it is named.
    errors = errors_of(
        lambda: material_create(
            organization=kindergarten, by=methodist.user, kind="video", language="kk", title_kk="Бейне", upload=pdf(name="v.mp4")
        )
    )
    assert "file" in errors


def test_replacing_the_file_deletes_the_old_one_after_the_commit(
    kindergarten, methodist, media, django_capture_on_commit_callbacks
):
    item = material_create(
        organization=kindergarten, by=methodist.user, kind="memo", language="kk", title_kk="Жадынама", upload=pdf()
    )
    (old,) = stored_files(media)
    with django_capture_on_commit_callbacks(execute=True):
        material_update(material=item, by=methodist.user, upload=pdf(name="жаңа.pdf"))
    (new,) = stored_files(media)
    assert new != old and not old.exists()


def test_a_refused_new_file_keeps_the_old_one(kindergarten, methodist, media):
    item = material_create(
        organization=kindergarten, by=methodist.user, kind="memo", language="kk", title_kk="Жадынама", upload=pdf()
    )
    before = stored_files(media)
    errors_of(lambda: material_update(material=item, by=methodist.user, upload=pdf(content=b"GIF89a")))
    item.refresh_from_db()
    assert stored_files(media) == before
    assert item.file.name.endswith(".pdf")


def test_an_incomplete_draft_cannot_be_published(kindergarten, methodist):
    item = material(kindergarten, published=False, by=methodist.user)
    Material.objects.filter(pk=item.pk).update(body_kk="")  # as if a rule had changed since
    assert errors_of(lambda: material_publish(material=item, by=methodist.user))
    assert not Material.objects.get(pk=item.pk).is_published


def test_the_database_refuses_an_upside_down_age_range(kindergarten):
    with pytest.raises(IntegrityError), transaction.atomic():
        Material.objects.create(organization=kindergarten, kind="consultation", title_kk="x", title="x", age_from=5, age_to=2)


def test_titles_fall_back_to_the_other_language(kindergarten, methodist):
    from django.utils import translation

    item = material(
        kindergarten, by=methodist.user, language="ru", title_kk="", title_ru="Как помочь ребёнку заговорить", body_ru="Читайте"
    )
    with translation.override("kk"):
        assert Material.objects.get(pk=item.pk).title == "Как помочь ребёнку заговорить"
    assert f.topic("speech") in item.topics.all()
