"""Metrics recording (placeholder until Prometheus is wired)."""


class MetricsService:
    def increment(self, name: str, value: int = 1) -> None:
        pass

    def observe(self, name: str, seconds: float) -> None:
        pass


metrics = MetricsService()
