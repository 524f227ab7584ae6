"""What a person (in the form) or a file (a CSV row) may say about a resource: every field
checked and cleaned before anything is written, each problem an i18n key so the form can show it
next to its field. Addresses are http(s) with a real host, compared as `url_key` so the same
address is never two resources."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.services.members import PROVINCES
from bot.services.resources.errors import FormInvalid
from bot.services.resources.fields import ResourceField
from bot.services.resources.words import WORD
from models.resources import ResourceKind, ResourceLanguage

NATIONAL = "national"

LIMITS = {"title": 200, "url": 500, "description": 2000, "tags": 10, "tag": 40}

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _problem(key: str, **params: Any) -> PydanticCustomError:
    return PydanticCustomError(key, key, params)


class ResourceInput(BaseModel):
    """What a person (or a CSV row) says about a resource, checked before anything is written.
    Each problem is an i18n key, so the modal can show it next to its field."""

    title: str
    url: str | None = None
    description: str = ""
    tags: tuple[str, ...] = ()
    language: ResourceLanguage = ResourceLanguage.EN
    province: str | None = None
    kind: ResourceKind = ResourceKind.OTHER

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: Any) -> str:
        title = " ".join(CONTROL.sub(" ", str(value or "")).split())
        if not title:
            raise _problem("resources.form.title_required")
        if len(title) > LIMITS["title"]:
            raise _problem("resources.form.too_long", max=LIMITS["title"], length=len(title))
        return title

    @field_validator("url", mode="before")
    @classmethod
    def _url(cls, value: Any) -> str | None:
        raw = str(value or "").strip()
        if not raw:
            return None
        if len(raw) > LIMITS["url"]:
            raise _problem("resources.form.too_long", max=LIMITS["url"], length=len(raw))
        url = clean_url(raw)
        if url is None:
            raise _problem("resources.form.url_invalid")
        return url

    @field_validator("description", mode="before")
    @classmethod
    def _description(cls, value: Any) -> str:
        text = CONTROL.sub("", str(value or "")).replace("\r\n", "\n").strip()
        if len(text) > LIMITS["description"]:
            raise _problem("resources.form.too_long", max=LIMITS["description"], length=len(text))
        return text

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> tuple[str, ...]:
        items = re.split(r"[;,\n]", value) if isinstance(value, str) else list(value or [])
        tags = tuple(dict.fromkeys(t for t in (normalise_tag(str(i)) for i in items) if t))
        if len(tags) > LIMITS["tags"]:
            raise _problem("resources.form.too_many_tags", max=LIMITS["tags"])
        return tags

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: Any) -> str:
        raw = str(value or "").strip().casefold().replace(" ", "")
        aliases = {"": "en", "en;fr": "both", "fr;en": "both", "en,fr": "both", "bilingual": "both"}
        raw = aliases.get(raw, raw)
        if raw not in {lang.value for lang in ResourceLanguage}:
            raise _problem("resources.form.language_invalid")
        return raw

    @field_validator("province", mode="before")
    @classmethod
    def _province(cls, value: Any) -> str | None:
        code = parse_province(str(value or ""))
        if code is False:
            raise _problem("resources.form.province_invalid")
        return code

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> str:
        raw = str(value or "").strip().casefold() or ResourceKind.OTHER.value
        if raw not in {k.value for k in ResourceKind}:
            raise _problem("resources.form.kind_invalid")
        return raw

    @model_validator(mode="after")
    def _findable(self) -> ResourceInput:
        if self.url is None and not self.description:
            raise _problem("resources.form.url_or_description")
        return self


def validate_input(data: dict[str, Any]) -> ResourceInput:
    """`ResourceInput` from raw answers, or `FormInvalid` naming every field that is wrong."""
    try:
        return ResourceInput.model_validate(data)
    except ValidationError as exc:
        problems: dict[ResourceField, tuple[str, dict[str, Any]]] = {}
        for error in exc.errors():
            # the one rule across fields (a link or a description) has no field of its own
            name = ResourceField(str(error["loc"][0])) if error["loc"] else ResourceField.URL
            key = error["type"] if error["type"].startswith("resources.") else "resources.form.invalid"
            problems.setdefault(name, (key, dict(error.get("ctx") or {})))
        raise FormInvalid(problems) from None


def clean_url(raw: str) -> str | None:
    """An http(s) address with a real host, or None. `www.…` gets `https://`. Addresses with
    spaces, control characters or Slack's markup characters are refused rather than repaired."""
    url = raw.strip()
    if url.lower().startswith("www."):
        url = "https://" + url
    if re.search(r"[\s<>\"|\\^`{}]", url) or CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or "." not in host.strip(".") or parts.username:
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, parts.fragment))


def url_key(url: str | None) -> str | None:
    """What makes two addresses the same resource: host without `www.`, path without trailing
    slash, query; not the scheme, the fragment or letter case of the host."""
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    path = parts.path.rstrip("/")
    return f"{host}{port}{path}" + (f"?{parts.query}" if parts.query else "")


def parse_province(value: str | None) -> str | Literal[False] | None:
    """A province/territory code, None for national (empty, `national`, `CA`), False if unknown."""
    code = (value or "").strip().upper()
    if code in ("", "NATIONAL", "CA", "CANADA"):
        return None
    return code if code in PROVINCES else False


def normalise_tag(raw: str) -> str:
    """`Language Training` → `language-training`: lower-case letters, digits and hyphens."""
    words_ = WORD.findall(unicodedata.normalize("NFKC", raw).casefold())
    return "-".join(words_)[: LIMITS["tag"]].strip("-")
