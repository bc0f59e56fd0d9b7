from __future__ import annotations

import pytest

from assessments.models import Assessment, FrameworkVersion
from assessments.services import frameworks as fw_services
from tests.assessments.helpers import MINIMAL_YAML
from tests.conftest import Personas


@pytest.fixture
def test_framework(db: None) -> FrameworkVersion:
    """A two-question framework: L1 (self-assessed) at 2 points, L2 (review) at 4."""
    return fw_services.framework_import(source=MINIMAL_YAML, publish=True)


@pytest.fixture
def draft(personas: Personas, test_framework: FrameworkVersion) -> Assessment:
    from assessments.services.assessments import assessment_start

    return assessment_start(
        enterprise=personas.enterprise, framework_code="test-fw", user=personas.editor
    )
