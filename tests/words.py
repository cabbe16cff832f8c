"""What a reader sees of a page, for tests that read its words in each language."""

import re

ZH, EN = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}, {"HTTP_ACCEPT_LANGUAGE": "en"}


def shown(body: bytes) -> str:
    """The page's text without its tags, runs of white space as one space."""
    return " ".join(re.sub(r"<[^>]+>", " ", body.decode()).split())
