"""Typed settings read from the environment only; each service composes the parts it needs."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.clock import Clock, clock_from_env


class EnvSettings(BaseSettings):
    """Read from the environment; variables it does not name are ignored."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)


class DatabaseSettings(EnvSettings):
    database_url: str = Field(alias="DATABASE_URL")


class KafkaSettings(EnvSettings):
    kafka_bootstrap_servers: str = Field(alias="KAFKA_BOOTSTRAP_SERVERS")
    topic_prefix: str = Field(default="mtrack", alias="MTRACK_TOPIC_PREFIX")
    topic_partitions: int = Field(default=3, alias="MTRACK_TOPIC_PARTITIONS")
    topic_replication: int = Field(default=1, alias="MTRACK_TOPIC_REPLICATION")


class SmtpSettings(EnvSettings):
    smtp_host: str = Field(default="127.0.0.1", alias="SMTP_HOST")
    smtp_port: int = Field(default=1025, alias="SMTP_PORT")
    smtp_username: str | None = Field(default=None, alias="SMTP_USERNAME")
    smtp_password: SecretStr | None = Field(default=None, alias="SMTP_PASSWORD")
    smtp_starttls: bool = Field(default=False, alias="SMTP_STARTTLS")
    mail_from: str = Field(default="mtrack <mtrack@example.com>", alias="MAIL_FROM")


class ClockSettings(EnvSettings):
    mtrack_now: str | None = Field(default=None, alias="MTRACK_NOW")

    @field_validator("mtrack_now")
    @classmethod
    def _valid_pin(cls, value: str | None) -> str | None:
        clock_from_env(value)
        return value

    def clock(self) -> Clock:
        return clock_from_env(self.mtrack_now)
