"""The run report: what a night did, as Markdown for the operator (a Prefect artifact, or the console)."""

from __future__ import annotations

from typing import Any


def render_summary(summary: dict[str, Any]) -> str:
    """Markdown of a run's summary (:meth:`pipelines.run.night.Run.summary` plus ``warehouse``)."""
    files = summary["files"]
    claims = summary["claims"]
    rows = summary["rows"]
    warehouse = summary.get("warehouse") or {}
    lines = [
        f"# Nightly run {summary['run_id']}",
        "",
        f"- files received: **{files['received']}** (accepted {files['accepted']}, partly accepted "
        f"{files['partially_accepted']}, rejected {files['rejected']}, duplicate {files['duplicate']})",
        f"- claims: accepted {claims.get('accepted', 0)}, rejected {claims.get('rejected', 0)}",
        f"- detail rows stored: {sum(rows.values())} "
        + (f"({', '.join(f'{k} {v}' for k, v in sorted(rows.items()))})" if rows else ""),
        f"- files still uploading, left for the next run: {summary['left_in_flight']}",
    ]
    if warehouse:
        lines.append(f"- warehouse: `{warehouse['path']}` (built and checked in {warehouse['seconds']} s)")
    lines.append("- step times (s): " + ", ".join(f"{k} {v}" for k, v in summary["seconds"].items()))
    lines += [f"- note: {n}" for n in summary["notes"]]
    activity = summary.get("activity") or {}
    if activity.get("silent"):
        lines += ["", "## Facilities that have not sent", ""]
        lines += [
            f"- {a['facility']} {a['name']}: "
            + (
                f"silent {a['days_silent']} days (last file {a['last_file']})"
                if a["days_silent"] is not None
                else "never sent a file"
            )
            for a in activity["silent"]
        ]
    if activity.get("rejection_jumps"):
        lines += ["", "## Facilities whose rejection rate jumped", ""]
        lines += [
            f"- {a['facility']} {a['name']}: {a['rejected_7d']} of {a['files_7d']} files rejected in 7 days "
            f"({a['rate_7d']}; {a['rate_prior_28d']} in the 28 days before)"
            for a in activity["rejection_jumps"]
        ]
    return "\n".join(lines)
