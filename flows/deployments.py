"""The deployments `mediawatch serve` runs (the same ones prefect.yaml declares for workers)."""

from __future__ import annotations

from datetime import timedelta

from prefect.deployments.runner import RunnerDeployment


def deployments(interval_minutes: int = 15) -> list[RunnerDeployment]:
    """Scheduled ingest (due feeds only) plus on-demand flows."""
    from flows.ingest import ingest
    from flows.retag import retag

    return [
        ingest.to_deployment(
            name="ingest",
            interval=timedelta(minutes=interval_minutes),
            parameters={"due_only": True},
            description="Poll the feeds that are due and store new articles.",
        ),
        retag.to_deployment(name="retag", description="Re-tag stored articles after rule changes."),
    ]
