from tests.pages import *  # noqa: F403 - the page fixtures
