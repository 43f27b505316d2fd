from tests.outreach.conftest import *  # noqa: F403 - the same fixtures
