"""Application settings, loaded from the environment and .env."""

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env")

    APP_NAME: str = "shop-api"
    DEBUG: bool = True
    DATABASE_URL: str = "sqlite:///./dev.db"
    JWT_SECRET_KEY: str = "CHANGE_ME"
    JWT_ALGORITHM: str = "HS256"
    CORS_ORIGINS: list[str] = ["*"]
    ENABLE_TRACING: bool = False
    METRICS_ENABLED: bool = True
    PAGE_SIZE: int = 50


settings = Settings()
