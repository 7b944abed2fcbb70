# English pages keep the Vietnamese dd/mm/yyyy and 531.467 formats: the data and documents are Vietnamese.
from config.formats.vi.formats import *  # noqa: F403
