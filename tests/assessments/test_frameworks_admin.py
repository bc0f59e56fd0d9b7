"""Platform staff upload, publish, retire and download framework versions in the admin."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from assessments.models import FrameworkVersion
from tests.assessments.helpers import MINIMAL_YAML
from tests.conftest import Personas

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/admin/assessments/frameworkversion/upload/"
LIST_URL = "/admin/assessments/frameworkversion/"


def staff(personas: Personas) -> Client:
    client = Client()
    client.force_login(personas.platform_admin)
    return client


def test_a_valid_upload_creates_a_draft(personas: Personas) -> None:
    response = staff(personas).post(
        UPLOAD_URL, {"file": SimpleUploadedFile("fw.yaml", MINIMAL_YAML.encode())}
    )
    assert response.status_code == 302
    assert FrameworkVersion.objects.get(framework__code="test-fw").status == "draft"


def test_an_invalid_upload_shows_every_path_and_imports_nothing(personas: Personas) -> None:
    broken = MINIMAL_YAML.replace("score: 2\n      - key: q_mes", "score: -2\n      - key: q_mes")
    broken = broken.replace("value: full", "value: none")
    response = staff(personas).post(
        UPLOAD_URL, {"file": SimpleUploadedFile("fw.yaml", broken.encode())}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "dimensions[0].questions[0].options" in html
    assert not FrameworkVersion.objects.filter(framework__code="test-fw").exists()


def test_publish_and_retire_are_admin_actions(personas: Personas) -> None:
    client = staff(personas)
    client.post(UPLOAD_URL, {"file": SimpleUploadedFile("fw.yaml", MINIMAL_YAML.encode())})
    version = FrameworkVersion.objects.get(framework__code="test-fw")
    client.post(LIST_URL, {"action": "publish", "_selected_action": [version.pk]})
    version.refresh_from_db()
    assert version.status == "published"
    client.post(LIST_URL, {"action": "retire", "_selected_action": [version.pk]})
    version.refresh_from_db()
    assert version.status == "retired"


def test_download_returns_the_yaml(personas: Personas) -> None:
    version = FrameworkVersion.objects.latest_published("sme-digital-level-2024")
    response = staff(personas).get(f"{LIST_URL}{version.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.decode() == version.source


@pytest.mark.parametrize("persona", ["admin", "officer", "assessor"])
def test_non_staff_cannot_reach_the_upload(personas: Personas, persona: str) -> None:
    client = Client()
    client.force_login(personas.all()[persona])
    response = client.get(UPLOAD_URL)
    assert response.status_code == 302  # sent to the admin sign-in
    assert "/admin/login/" in response["Location"]
