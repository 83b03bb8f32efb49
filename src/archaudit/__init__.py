"""archaudit: static, evidence-based architecture audits of backend repositories."""

__version__ = "0.1.0"
