"""The deployments `mediawatch serve` runs (the same ones prefect.yaml declares for workers)."""

from __future__ import annotations

from datetime import timedelta

from prefect.deployments.runner import RunnerDeployment


def deployments(interval_minutes: int = 15) -> list[RunnerDeployment]:
    """Scheduled ingest (due feeds only, then spike alerts), and the flows run on demand."""
    from flows.alerts import detect_spikes
    from flows.ingest import ingest
    from flows.retag import retag

    return [
        ingest.to_deployment(
            name="ingest",
            interval=timedelta(minutes=interval_minutes),
            parameters={"due_only": True, "detect_spikes_after": True},
            description="Poll the feeds that are due, store new articles, then detect spikes.",
        ),
        retag.to_deployment(name="retag", description="Re-tag stored articles after rule changes."),
        detect_spikes.to_deployment(
            name="detect-spikes",
            description="Topic-spike alerts (seeds/alerts.yaml); every scheduled ingest runs it.",
        ),
    ]
