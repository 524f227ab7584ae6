"""Settings from the environment and `.env`, validated once at start.

A misconfigured deployment should fail with one line that names the setting, never with a
traceback from deep inside a driver, so `load_settings` turns pydantic's errors into
`SettingsError` with a readable message.
"""

from __future__ import annotations

import re
from datetime import time
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from bot.services.ballot_seal import BadBallotKey, BallotKeys, parse_key
from bot.transport.deadline import DEFAULT_BUDGET_SECONDS

SUPPORTED_LOCALES = ("en", "fr")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_DATABASE_URL = "sqlite:///nlsbot.sqlite3"


# What each Slack credential looks like, and where in the app's settings the right one is found.
CREDENTIAL_SHAPES = {
    "slack_bot_token": (
        re.compile(r"xoxb-.+"),
        "must be the app's bot token, which starts with xoxb- (OAuth & Permissions → Bot User OAuth Token)",
    ),
    "slack_app_token": (
        re.compile(r"xapp-.+"),
        "must be an app-level token, which starts with xapp- (Basic Information → App-Level Tokens, "
        "with the connections:write scope)",
    ),
    "slack_signing_secret": (
        re.compile(r"[0-9a-fA-F]+"),
        "must be the app's Signing Secret, hexadecimal digits only (Basic Information → App Credentials)",
    ),
}


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: str | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")
    database_url: str = Field(default=DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    # `nlsbot serve`'s port unless --port is given: the variable container platforms set.
    port: int = Field(default=3000, ge=1, le=65535, alias="PORT")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    nls_timezone: str = Field(default="America/Toronto", alias="NLS_TIMEZONE")
    nls_locale: str = Field(default="en", alias="NLS_LOCALE")
    # Seals secret ballots while their poll is open (bot.services.ballot_seal, docs/polls.md).
    ballot_key: SecretStr | None = Field(default=None, alias="NLS_BALLOT_KEY")
    ballot_old_keys: SecretStr | None = Field(default=None, alias="NLS_BALLOT_OLD_KEYS")  # comma-separated
    # Operational knobs; defaults suit one workspace of a few hundred people.
    network_channel: str | None = Field(default=None, alias="NLS_NETWORK_CHANNEL")
    # chat.postMessage calls a second across the workspace, counted over a minute (bot.slack.pacing):
    # Slack allows "several hundred messages per minute" per workspace, with bursts; 5 is 300 a minute.
    send_rate_per_second: float = Field(default=5.0, gt=0, le=50, alias="NLS_SEND_RATE")
    log_level: str = Field(default="INFO", alias="NLS_LOG_LEVEL")
    db_pool_size: int = Field(default=10, ge=1, le=100, alias="NLS_DB_POOL_SIZE")
    slack_timeout: float = Field(default=15.0, gt=0, le=60, alias="NLS_SLACK_TIMEOUT")
    work_slots: int = Field(default=8, ge=1, le=1000, alias="NLS_WORK_SLOTS")  # see bot.transport.admission
    ack_budget: float = Field(default=DEFAULT_BUDGET_SECONDS, ge=0, le=3, alias="NLS_ACK_BUDGET")  # bot.transport.deadline
    max_in_flight: int = Field(default=200, ge=1, le=10_000, alias="NLS_MAX_IN_FLIGHT")  # see bot.transport.web
    body_seconds: float = Field(default=5.0, gt=0, le=60, alias="NLS_BODY_SECONDS")  # see bot.transport.front_door
    # Fewest member organisations an anonymous count or place may stand for (bot.services.disclosure).
    anonymity_k: int = Field(default=3, ge=2, le=50, alias="NLS_ANONYMITY_K")
    # When people hear from the bot, in their own time zone.
    reminder_time: time = Field(default=time(9, 0), alias="NLS_REMINDER_TIME")
    digest_day: str = Field(default="mon", alias="NLS_DIGEST_DAY")
    digest_time: time = Field(default=time(9, 0), alias="NLS_DIGEST_TIME")

    @field_validator("slack_bot_token", "slack_app_token", "slack_signing_secret", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """A value pasted with a space or a line end around it still works; an empty one is unset."""
        if isinstance(value, str):
            return value.strip() or None
        return value

    # Each credential is checked for its shape here, so a token pasted in the wrong variable (or
    # a placeholder left in `.env`) stops the start in one line; whether Slack accepts it is
    # asked at start (bot.slack.credentials). The messages never repeat the value: it is a secret.
    @field_validator("slack_bot_token", "slack_app_token", "slack_signing_secret")
    @classmethod
    def _credential_shape(cls, value: str | None, info: ValidationInfo) -> str | None:
        shape, expected = CREDENTIAL_SHAPES[info.field_name]
        if value is not None and not shape.fullmatch(value):
            raise ValueError(expected)
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("nls_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as America/Toronto)") from exc
        return value

    @field_validator("nls_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        value = value.lower()[:2]
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres://")):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return value

    @field_validator("ballot_key", "ballot_old_keys")
    @classmethod
    def _ballot_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        try:
            for part in value.get_secret_value().split(","):
                if part.strip():
                    parse_key(part)
        except BadBallotKey as exc:
            raise ValueError(str(exc)) from None  # the reason, never the key
        return value

    @field_validator("digest_day")
    @classmethod
    def _weekday(cls, value: str) -> str:
        day = value.strip().lower()[:3]
        if day not in WEEKDAYS:
            raise ValueError(f"must be a weekday ({', '.join(WEEKDAYS)})")
        return day

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value

    @cached_property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.nls_timezone)

    def ballot_keys(self) -> BallotKeys | None:
        if self.ballot_key is None:
            return None
        old = self.ballot_old_keys.get_secret_value() if self.ballot_old_keys else None
        return BallotKeys.from_text(self.ballot_key.get_secret_value(), old)

    @property
    def has_slack_credentials(self) -> bool:
        return bool(self.slack_bot_token and (self.slack_signing_secret or self.slack_app_token))

    @property
    def uses_default_database(self) -> bool:
        """DATABASE_URL is unset (or set to its default): the local SQLite file of someone trying
        the bot, the one database the demo network is loaded into without being asked."""
        return self.database_url == DEFAULT_DATABASE_URL

    @property
    def shown_database_url(self) -> str:
        """DATABASE_URL as a line may show it: the password masked."""
        return make_url(self.database_url).render_as_string(hide_password=True)

    def require(self, *names: str) -> None:
        """Fail with one clear line if a mode needs a setting that is not set."""
        missing = [name for name in names if not getattr(self, name.lower())]
        if missing:
            raise SettingsError(f"{', '.join(missing)} must be set for this command (see README: Settings)")


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        field = Settings.model_fields.get(name)
        env_name = field.alias if field is not None and field.alias else name.upper()
        raise SettingsError(f"{env_name}: {str(first['msg']).removeprefix('Value error, ')}") from None
