"""`medtwin twin from-fhir | show | export-fhir` and `medtwin replay`.

Errors a user can cause (an unreadable bundle, a child's record, a missing file) are
one line naming the resource or file, with exit code 2; never a traceback.
"""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from medtwin.interop.measurement import InteropError
from medtwin.patients import PatientError
from medtwin.terminal import check_output, fail

twin_app = typer.Typer(help="A patient's twin from their FHIR record.", no_args_is_help=True)
console = Console()
USER_ERRORS = (InteropError, PatientError, ValueError, OSError)


@twin_app.command("from-fhir")
def from_fhir(
    bundle: Annotated[Path, typer.Argument(help="The patient's FHIR R4 Bundle (JSON).")],
    out: Annotated[Path, typer.Option(help="The twin file to write.")] = Path("twin.json"),
    reference_bundle: Annotated[
        list[Path] | None,
        typer.Option(help="Bundle resolving conditional references (hospital, practitioners)."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Record date (ISO); default: its latest vital sign.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the twin's variability.")] = 0,
) -> None:
    """Build a patient's twin from their FHIR record and fit it to their recent vitals."""
    from medtwin.assimilation.from_record import twin_from_fhir
    from medtwin.assimilation.twin_file import write_twin_file
    from medtwin.interop.record import utc_date

    check_output(out, "--out")
    try:
        when = utc_date(as_of) if as_of else None
        document = twin_from_fhir(bundle, reference_bundle or [], as_of=when, seed=seed)
        write_twin_file(out, document)
    except USER_ERRORS as error:
        raise fail(str(error)) from None
    _print_twin(document)
    console.print(f"wrote {out}")


@twin_app.command("show")
def show(twin_file: Annotated[Path, typer.Argument(help="A twin file (twin.json).")]) -> None:
    """Show a twin file: patient, conditions, medications, the fit and what was ignored."""
    from medtwin.assimilation.twin_file import read_twin_file

    try:
        document = read_twin_file(twin_file).document
    except USER_ERRORS as error:
        raise fail(str(error)) from None
    _print_twin(document, ignored=True)


@twin_app.command("export-fhir")
def export_fhir(
    twin_file: Annotated[Path, typer.Argument(help="A twin file (twin.json).")],
    out: Annotated[Path, typer.Option(help="FHIR Bundle (collection) of Observations.")] = Path(
        "twin-observations.json"
    ),
) -> None:
    """Write the twin's resting vitals as FHIR R4 vital-signs Observations."""
    import json

    from medtwin.assimilation.twin_file import read_twin_file
    from medtwin.interop.fhir_write import vital_observations

    check_output(out, "--out")
    try:
        document = read_twin_file(twin_file).document
    except USER_ERRORS as error:
        raise fail(str(error)) from None
    rows = document["fit"]["signals"]
    values = {row["signal"]: row["twin"] for row in rows if not math.isnan(row["twin"])}
    inputs = sorted({r for row in rows for r in row["resources"] if "/" in r})
    observations = vital_observations(
        values, datetime.now(UTC), document["record"]["patient_resource"], inputs
    )
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{o['id']}", "resource": o} for o in observations],
    }
    out.write_text(json.dumps(bundle, indent=1) + "\n", encoding="utf-8")
    console.print(f"wrote {len(observations)} Observations to {out}")


def _print_twin(document: dict, ignored: bool = False) -> None:
    patient, record = document["patient"], document["record"]
    console.print(
        f"[bold]{patient['name']}[/]: {patient['sex']}, {patient['age_years']:g} y, "
        f"{patient['height_cm']:.0f} cm, {patient['weight_kg']:.1f} kg "
        f"({record['patient_resource']}, as of {record['as_of'][:10]})"
    )
    for c in document["conditions"]:
        state = "modelled" if c["modelled"] else "not yet modelled"
        console.print(
            f"  condition {c['name']} {c['severity']:.2f} ({c['severity_basis']}; {state})"
        )
    for m in document["medications"]:
        match = f" -> {m['drug_class']} (library: {m['library_drug']})" if m["drug_class"] else ""
        console.print(f"  medication {m['name']}{match}")
    table = Table(title="fit to the record (resting vitals)", title_justify="left")
    for column in (
        "signal",
        "observed",
        "twin",
        "residual",
        "noise SD",
        "within",
        "fitted by",
        "from",
    ):
        table.add_column(column)
    for row in document["fit"]["signals"]:
        table.add_row(
            row["signal"],
            f"{row['observed']:.1f}",
            f"{row['twin']:.1f}",
            f"{row['residual']:+.1f}",
            f"{row['noise_sd']:g}",
            "yes" if row["within_noise"] else "no",
            row["fitted_by"] or "",
            f"{len(row['resources'])} obs, {row['times'][0][:10]}..{row['times'][-1][:10]}",
        )
    console.print(table)
    if ignored:
        for item in document["ignored"]:
            console.print(
                f"  ignored {item['count']} x {item['resource_type']} {item['code']} "
                f"{item['display']} ({item['reason']})",
                highlight=False,
            )
    else:
        total = sum(item["count"] for item in document["ignored"])
        console.print(
            f"  ignored {total} resources with {len(document['ignored'])} codes no rule knows "
            "(medtwin twin show lists them)"
        )


def replay_command(
    record: Annotated[Path, typer.Argument(help="WFDB numerics record: the path without .hea.")],
    out: Annotated[Path, typer.Option(help="Scores per signal (CSV).")] = Path("replay.csv"),
    plot: Annotated[Path | None, typer.Option(help="Tracking figure (PNG).")] = None,
    members: Annotated[int, typer.Option(help="Ensemble members.")] = 20,
    minutes: Annotated[float | None, typer.Option(help="Replay only the first minutes.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the ensemble.")] = 0,
) -> None:
    """Stream a PhysioNet record into a twin; score tracking and 5/15-min forecasts."""
    from medtwin.assimilation.replay import COLUMNS, replay

    check_output(out, "--out")
    check_output(plot, "--plot")
    if minutes is not None and not (math.isfinite(minutes) and minutes > 0):
        raise fail(f"--minutes {minutes!r} must be a number of minutes above 0")
    if members < 2:
        raise fail(f"--members {members!r} must be at least 2")
    try:
        result = replay(record, members=members, seed=seed, minutes=minutes)
    except USER_ERRORS as error:
        raise fail(str(error)) from None
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(
            [
                {k: (f"{v:.4g}" if isinstance(v, float) else v) for k, v in row.items()}
                for row in result.rows
            ]
        )
    table = Table(title=f"replay of {result.record}", title_justify="left")
    for column in COLUMNS:
        table.add_column(column)
    for row in result.rows:
        table.add_row(
            *(f"{row[c]:.2f}" if isinstance(row[c], float) else str(row[c]) for c in COLUMNS)
        )
    console.print(table)
    console.print(
        "observations: " + ", ".join(f"{k} {v}" for k, v in sorted(result.counts.items()))
    )
    written = [str(out)]
    if plot:
        from medtwin.assimilation.plots import plot_replay

        plot_replay(result, plot)
        written.append(str(plot))
    console.print(f"wrote {', '.join(written)}")


def _address(text: str | None, option: str) -> tuple[str, int] | None:
    """`host:port` of an option, or None; a one-line error for anything else."""
    if text is None:
        return None
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise fail(f"{option} {text!r} must be host:port with a port of 0-65535")
    return host, int(port)


def listen_command(
    twin_file: Annotated[
        str, typer.Argument(help="The twin to keep in step: a twin file (twin.json) or patient.")
    ],
    mllp: Annotated[
        str | None, typer.Option(help="Listen for HL7 v2 ORU^R01 over MLLP at host:port.")
    ] = None,
    mqtt: Annotated[
        str | None, typer.Option(help="Subscribe to the twin's topic at the broker host:port.")
    ] = None,
    twin_id: Annotated[
        str | None, typer.Option(help="MQTT topic id: medtwin/twins/<id>/observations.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Estimates with SDs, one row a step (CSV).")
    ] = None,
    members: Annotated[int, typer.Option(help="Ensemble members.")] = 50,
    seed: Annotated[int, typer.Option(help="Seed of the ensemble.")] = 0,
    hold: Annotated[float, typer.Option(help="Seconds to wait for out-of-order values.")] = 2.0,
    every: Annotated[float, typer.Option(help="Seconds between estimator steps.")] = 1.0,
    stop_after: Annotated[
        int | None, typer.Option(help="Stop once this many observations were decided.")
    ] = None,
    duration: Annotated[float | None, typer.Option(help="Stop after this many seconds.")] = None,
) -> None:
    """Keep a twin in step with live monitor data (MLLP and/or MQTT) and log its estimate."""
    import asyncio
    import logging

    from medtwin.assimilation.enkf import EnsembleKalmanFilter
    from medtwin.assimilation.listen import listen
    from medtwin.assimilation.live import ESTIMATE_COLUMNS, LiveSync, estimate_row
    from medtwin.interop.mqtt_feed import topic_for

    check_output(out, "--out")
    mllp_address, mqtt_address = _address(mllp, "--mllp"), _address(mqtt, "--mqtt")
    if mllp_address is None and mqtt_address is None:
        raise fail("give --mllp host:port, --mqtt host:port or both")
    if members < 2:
        raise fail(f"--members {members!r} must be at least 2")
    for option, value in (("--hold", hold), ("--every", every), ("--duration", duration)):
        if value is not None and not (math.isfinite(value) and value >= 0):
            raise fail(f"{option} {value!r} must be a number of seconds, 0 or more")
    twin_id = twin_id or Path(twin_file).stem
    try:
        topic_for(twin_id)
        estimator = EnsembleKalmanFilter(members=members, seed=seed).fit(twin_file)
    except USER_ERRORS as error:
        raise fail(str(error)) from None
    logging.basicConfig(format="%(message)s", level=logging.INFO)
    sync = LiveSync(estimator, hold_s=hold)
    handle = out.open("w", newline="", encoding="utf-8") if out else None
    writer = csv.DictWriter(handle, fieldnames=ESTIMATE_COLUMNS) if handle else None
    if writer:
        writer.writeheader()

    def on_step(report) -> None:
        for decision in report.decisions:
            if not decision.accepted:
                m = decision.measurement
                print(f"refused {m.source}: {m.signal} {m.value:g}: {decision.reason}", flush=True)
        if report.estimate is not None and report.decisions and writer:
            writer.writerow(estimate_row(report.estimate))
            handle.flush()

    def on_ready(feeds) -> None:
        print("listening: " + "; ".join(feeds.addresses), flush=True)

    try:
        feeds = asyncio.run(
            listen(
                sync,
                mllp=mllp_address,
                mqtt=mqtt_address,
                twin_id=twin_id,
                every_s=every,
                stop_after=stop_after,
                duration_s=duration,
                on_ready=on_ready,
                on_step=on_step,
            )
        )
    except (InteropError, OSError) as error:
        raise fail(str(error)) from None
    finally:
        if handle:
            handle.close()
    _print_live_summary(sync, feeds)


def _print_live_summary(sync, feeds) -> None:
    console.print(
        "observations: " + (", ".join(f"{k} {v}" for k, v in sorted(sync.counts.items())) or "none")
    )
    if feeds.mllp is not None:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(feeds.mllp.counts.items()))
        console.print(f"MLLP messages: {counts or 'none'}")
        for code, count in sorted(feeds.mllp.ignored.items()):
            console.print(f"  ignored {count} x OBX {code}", highlight=False)
    if feeds.mqtt is not None:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(feeds.mqtt.counts.items()))
        console.print(f"MQTT payloads: {counts or 'none'}")
    estimate = sync.estimate()
    if estimate is not None:
        vitals = estimate["vitals"]
        console.print(
            f"estimate at {estimate['time']}: "
            + ", ".join(f"{s} {v['mean']:.1f} ± {v['sd']:.1f}" for s, v in vitals.items())
        )
