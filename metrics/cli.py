"""`python -m metrics ...`: check the registry, seed, ingest, compute, templates, batches."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import polars as pl

from metrics import api, datasets, ingest, registry, status, summaries, targets, templates, uploads
from metrics.db import store
from metrics.ingest import summary


def _emit(data: Any, fmt: str, text: str) -> None:
    if fmt == "json":
        print(json.dumps(data, indent=2, default=str, ensure_ascii=False))
    else:
        print(text)


def default_who() -> str:
    """Who the audit log records for a change made at the command line: 'cli:<login name>'."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name (e.g. a container's unnamed user id)
        return "cli:unknown"


def _table(frame: pl.DataFrame) -> str:
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=60):
        return str(frame)


def cmd_check(args: argparse.Namespace) -> int:
    problems = registry.problems_in(Path(args.registry) if args.registry else None)
    data = [p.model_dump() for p in problems]
    if not problems:
        reg = registry.load(Path(args.registry) if args.registry else None)
        _emit(data, args.format, f"The registry is sound: {len(reg.indicators)} indicators.")
        return 0
    lines = [f"The registry has {len(problems)} problem(s):", *(f"  - {p}" for p in problems)]
    _emit(data, args.format, "\n".join(lines))
    return 1


def cmd_indicators(args: argparse.Namespace) -> int:
    reg = api.registry()
    data = [
        {
            "id": i.id,
            "priority": i.priority,
            "title": i.title,
            "type": i.type.value,
            "period_type": i.period_type.value,
            "dataset": i.source.dataset,
        }
        for i in reg.indicators
    ]
    _emit(data, args.format, _table(pl.DataFrame(data)))
    return 0


def _report_dict(rep: ingest.IngestReport) -> dict[str, Any]:
    return {
        "dataset": rep.dataset,
        "file": rep.file_name,
        "sha256": rep.sha256,
        "ok": rep.ok,
        "rows_read": rep.rows_read,
        "read_as": rep.read_as,
        "periods": rep.periods,
        "problems": rep.problems.to_dicts(),
        "batch_id": rep.stored.batch_id if rep.stored else None,
        "rows_added": rep.stored.rows_added if rep.stored else 0,
        "rows_superseded": rep.stored.rows_superseded if rep.stored else 0,
        "already_loaded_batch": rep.already_loaded_batch,
    }


def cmd_seed(args: argparse.Namespace) -> int:
    eng = api.engine(args.database)
    reports = api.seed(eng)
    api.refresh_results(eng)
    data = [_report_dict(r) for r in reports]
    lines = []
    for r in reports:
        if not r.ok:
            lines.append(f"{r.dataset}: {r.problems.height} problem(s) in {r.file_name}")
        elif r.already_loaded_batch is not None:
            lines.append(f"{r.dataset}: already loaded (batch {r.already_loaded_batch})")
        elif r.stored:
            lines.append(
                f"{r.dataset}: {r.stored.rows_added} rows stored as batch {r.stored.batch_id}"
            )
    _emit(data, args.format, "\n".join(lines))
    return 0 if all(r.ok for r in reports) else 1


def cmd_ingest(args: argparse.Namespace) -> int:
    eng = api.engine(args.database)
    path = Path(args.file)
    if not path.is_file():
        print(f"There is no file at {path}.", file=sys.stderr)
        return 2
    try:
        datasets.get(args.dataset)
    except KeyError as err:
        print(err.args[0], file=sys.stderr)
        return 2
    reg = targets.effective_registry(eng)
    mapping = None
    if args.mapping:
        from metrics import mappings

        try:
            mapping = mappings.find(eng, args.mapping).mapping
        except mappings.MappingError as err:
            print(err, file=sys.stderr)
            return 2
        if mapping.dataset != args.dataset:
            print(f"The mapping “{mapping.name}” reads files as {mapping.dataset}, not "
                  f"{args.dataset}.", file=sys.stderr)  # fmt: skip
            return 2
    # the dashboard's own path: check, then store the batch and its audit event in one go
    checked = uploads.check(
        args.dataset, path.read_bytes(), path.name, reg, today=api.today(), sheet=args.sheet,
        mapping=mapping,
    )  # fmt: skip
    rep, preview = checked.report, None
    if checked.ok and args.dry_run:
        preview = uploads.preview(eng, reg, args.dataset, checked, today=api.today())
    elif checked.ok:
        rep.stored = uploads.store_upload(eng, args.dataset, checked, user=args.who)
        api.refresh_results(eng)
    if not rep.ok:
        text = (
            f"{rep.problems.height} problem(s) found in {rep.file_name}; nothing was stored. "
            "Fix them and upload again.\n" + summary.problems_text(rep.problems)
        )
    elif preview is not None:
        text = (
            f"No problems found in {rep.rows_read} rows ({rep.read_as}). Dry run: nothing was "
            "stored.\n" + summary.preview_text(preview)
        )
    else:
        assert rep.stored is not None
        text = (
            f"Stored {rep.stored.rows_added} rows as batch {rep.stored.batch_id} "
            f"(periods {', '.join(rep.periods)}); {rep.stored.rows_superseded} earlier rows "
            "superseded."
        )
    if mapping is not None:
        text = f"Read through the mapping “{mapping.name}”.\n" + text
    data = _report_dict(rep) | {
        "preview": preview.to_dict() if preview else None, "mapping": rep.mapping or None,
    }  # fmt: skip
    _emit(data, args.format, text)
    return 0 if rep.ok else 1


def _results_for_output(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("status")
        .map_elements(lambda s: status.label(s) if s else None, return_dtype=pl.String)
        .alias("status_label")
    )


def cmd_compute(args: argparse.Namespace) -> int:
    eng = api.engine(args.database)
    reg = targets.effective_registry(eng)
    if args.indicator:
        try:
            reg.indicator(args.indicator)
        except KeyError as err:
            print(err.args[0], file=sys.stderr)
            return 2
    out = api.compute(eng, reg, indicator=args.indicator, period=args.period)
    if not args.breakdowns:
        out = out.filter(pl.col("breakdown").is_null())
    out = _results_for_output(out)
    if args.format == "json":
        _emit(out.to_dicts(), "json", "")
    else:
        if out.height == 0:
            print("No results: no data has been loaded yet. Run `python -m metrics seed`.")
            return 0
        shown = out.select(
            "indicator_id", "period", "numerator", "denominator",
            pl.col("value").round(1), pl.col("lower").round(1), pl.col("upper").round(1),
            "status_label",
        )  # fmt: skip
        print(_table(shown))
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    try:
        datasets.get(args.dataset)
    except KeyError as err:
        print(err.args[0], file=sys.stderr)
        return 2
    content = (
        templates.xlsx_template(args.dataset)
        if args.type == "xlsx"
        else templates.csv_template(args.dataset)
    )
    if args.out:
        Path(args.out).write_bytes(content)
        print(f"Wrote {args.out}")
    elif args.type == "xlsx":
        print("An XLSX template needs --out FILE.", file=sys.stderr)
        return 2
    else:
        if args.format == "json":
            _emit(templates.dictionary_rows(datasets.get(args.dataset)), "json", "")
        else:
            sys.stdout.write(content.decode("utf-8-sig"))
    return 0


def cmd_batches(args: argparse.Namespace) -> int:
    eng = api.engine(args.database)
    with eng.connect() as conn:
        frame = store.read_batches(conn)
    _emit(frame.to_dicts(), args.format, _table(frame.drop("sha256", "note")))
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    eng = api.engine(args.database)
    try:
        result = uploads.roll_back(eng, args.batch, user=args.who)
    except uploads.RollbackError as err:
        print(err, file=sys.stderr)
        return 1
    api.refresh_results(eng)
    data = {"rolled_back": args.batch, "together": list(result.together),
            "restored": result.restored}  # fmt: skip
    _emit(data, args.format, uploads.rolled_back_sentence(result))
    return 0


def cmd_boardpack(args: argparse.Namespace) -> int:
    from metrics import boardpack

    out = Path(args.out)
    kind = {".pdf": "pdf", ".html": "html", ".htm": "html"}.get(out.suffix.lower())
    if kind is None:
        print("The board pack is written as .pdf or .html: name --out FILE so.", file=sys.stderr)
        return 2
    eng = api.engine(args.database)
    try:
        pack = boardpack.build(
            eng, targets.effective_registry(eng), args.period, threshold=args.threshold
        )
    except boardpack.BoardPackError as err:
        print(err, file=sys.stderr)
        return 2
    if kind == "pdf":
        out.write_bytes(pack.pdf)
    else:
        out.write_text(pack.html, encoding="utf-8")
    data = pack.summary() | {"out": str(out), "format": kind}
    text = (
        f"Wrote the board pack for {pack.period_words} to {out}: {len(pack.measures)} measures, "
        f"{pack.charts} charts; counts below {pack.threshold} suppressed."
    )
    _emit(data, args.format, text)
    return 0


def cmd_import_official(args: argparse.Namespace) -> int:
    """Import official statistics (EES or LAIT) as comparators, through the upload path: one
    file, a folder or a release's .zip, or an http(s) address of either."""
    from metrics import official, official_sources

    reg = api.registry()
    try:
        gathered = official_sources.gather(args.source, reg)
    except official_sources.SourceError as err:
        print(err, file=sys.stderr)
        return 2
    eng = api.engine(args.database)
    lines: list[str] = []
    data: list[dict[str, Any]] = []
    for name, content in gathered.files:
        rep = official.import_file(
            eng, content, name, reg, user=args.who, today=api.today(), kind=args.kind,
            dry_run=args.dry_run,
        )  # fmt: skip
        if not rep.ok:
            text = (
                f"{rep.problems.height} problem(s) found in {rep.file_name}; nothing was stored "
                "from it.\n" + summary.problems_text(rep.problems)
            )
        elif rep.stored is None:
            text = f"{rep.file_name}: no problems found ({rep.kind.upper()} file). Dry run: "
            text += "nothing was stored."
        else:
            text = (
                f"{rep.file_name}: stored {rep.stored.rows_added} official rows "
                f"({rep.kind.upper()}) as batch {rep.stored.batch_id} for "
                f"{', '.join(rep.indicators)}; {rep.stored.rows_superseded} earlier rows "
                "superseded."
            )
        lines += [*rep.notes, text]
        data.append(
            _report_dict(rep) | {"kind": rep.kind, "indicators": rep.indicators, "notes": rep.notes}
        )
    if any(d["batch_id"] is not None for d in data):
        api.refresh_results(eng)
    if gathered.missing:
        lines.append(
            f"Not in {gathered.where}: {', '.join(gathered.missing)} (the registry names them; "
            "the copies already stored are kept)."
        )
    ok = all(d["ok"] for d in data)
    _emit(data if len(data) > 1 else data[0], args.format, "\n".join(lines))
    return 0 if ok else 1


def cmd_official_sources(args: argparse.Namespace) -> int:
    """Which official files the registry needs, where each is published, the copy held."""
    from metrics import official_sources

    needs = official_sources.needed(api.registry(), api.engine(args.database))
    data = [
        {
            "file": n.file,
            "kind": n.kind,
            "indicators": list(n.indicators),
            "publication": n.source.publication if n.source else None,
            "release_held": n.source.release if n.source else None,
            "copy_shipped_on": n.source.copied_on if n.source else None,
            "stored_in_database": n.stored_on,
            "next_release": n.source.next_release if n.source else None,
            "published_at": n.source.page if n.source else None,
        }
        for n in needs
    ]
    lines = [f"The registry in force names {len(needs)} official file(s):", ""]
    for n in needs:
        lines.append(f"{n.file} ({n.kind.upper()}), for {', '.join(n.indicators)}")
        if n.source is None:
            lines.append("  not shipped with the dashboard: import it from where you have it")
        else:
            lines += [
                f"  {n.source.publication}, {n.source.release}",
                f"  copy shipped: {summaries.uk_date(n.source.copied_on)}; next release: "
                f"{n.source.next_release}",
                f"  published at: {n.source.page}",
            ]
        stored = uploads.london_time(n.stored_on) if n.stored_on else "not imported yet"
        lines.append(f"  in this database: {stored}")
    lines += [
        "",
        "To bring in a newer release: python -m metrics import-official FILE|FOLDER|ZIP|URL",
    ]
    _emit(data, args.format, "\n".join(lines))
    return 0


def cmd_init_area(args: argparse.Namespace) -> int:
    """Write a starter registry for a local authority from the shipped official files."""
    from metrics import area_init

    out = Path(args.out)
    try:
        la = area_init.write_starter(args.la_code, out, today=api.today(), overwrite=args.force)
    except (area_init.UnknownAuthority, FileExistsError) as err:
        print(err, file=sys.stderr)
        return 2
    data = {"out": str(out), "name": la.name, "new_la_code": la.new_la_code,
            "la_code": la.old_la_code, "region": la.region_name}  # fmt: skip
    text = (
        f"Wrote a starter registry for {la.name} ({la.new_la_code}, {la.old_la_code}; "
        f"{la.region_name}) to {out}. It passes `python -m metrics check`.\n"
        f"Next: fill in the parts marked TO FILL IN, then set MEASURES_REGISTRY={out} "
        "(in the environment or .env) and run `python -m metrics seed` to load the official "
        "figures. docs/adopting.md walks through the rest."
    )
    _emit(data, args.format, text)
    return 0


def cmd_import_sen2(args: argparse.Namespace) -> int:
    """Import a SEN2 return (the XML sent to the DfE), pseudonymised, merged into what is stored."""
    from metrics import sen2_import

    path = Path(args.file)
    if not path.is_file():
        print(f"There is no file at {path}.", file=sys.stderr)
        return 2
    eng = api.engine(args.database)
    checked = sen2_import.check(eng, path.read_bytes(), path.name, today=api.today())
    data: dict[str, Any] = {"file": path.name, "sha256": checked.sha256, "ok": checked.ok,
                            "problems": checked.problems.to_dicts(), "preview": None,
                            "stored": None}  # fmt: skip
    if not checked.ok:
        text = (
            f"{checked.problems.height} problem(s) found in {path.name}; nothing was stored.\n"
            + summary.problems_text(checked.problems)
        )
    elif args.dry_run:
        preview = sen2_import.preview(eng, api.registry(), checked, today=api.today())
        data["preview"] = preview.to_dict()
        text = "\n".join([*sen2_import.preview_sentences(preview), "Dry run: nothing was stored."])
    else:
        result = sen2_import.store_return(eng, checked, user=args.who)
        api.refresh_results(eng)
        data["stored"] = {"batches": result.batch_ids}
        text = sen2_import.stored_sentence(result, path.name)
    _emit(data, args.format, text)
    return 0 if checked.ok else 1


def _archive_refusal(err: Exception) -> int:
    """An archive or target refused (`metrics.db.archive.ArchiveRefused`): say why, exit 2."""
    from metrics import operator_errors

    what = getattr(err, "message", str(err))
    text = operator_errors.mask(f"{what} To fix it: {getattr(err, 'fix', '')}")
    print(
        textwrap.fill(text, width=100, break_on_hyphens=False, break_long_words=False),
        file=sys.stderr,
    )
    return operator_errors.EXIT_STATUS


def cmd_export_db(args: argparse.Namespace) -> int:
    """Write every table (but the results cache) to one portable archive."""
    from metrics.db import archive

    out = Path(args.out)
    if not out.parent.is_dir():
        print(f"There is no folder {out.parent} to write the archive in.", file=sys.stderr)
        return 2
    eng = api.engine(args.database)
    try:
        manifest = archive.export_archive(eng, out)
    except archive.ArchiveRefused as err:
        return _archive_refusal(err)
    data = manifest.to_dict() | {"out": args.out}
    text = (
        f"Wrote {manifest.total_rows} rows from {len(manifest.tables)} tables (schema revision "
        f"{manifest.schema_revision}) to {args.out}. The archive holds pseudonymised records "
        "about children: keep it as safe as the database."
    )
    _emit(data, args.format, text)
    return 0


def cmd_import_db(args: argparse.Namespace) -> int:
    """Load an archive written by export-db into an empty database."""
    from metrics.db import archive

    path = Path(args.file)
    if not path.is_file():
        print(f"There is no file at {path}.", file=sys.stderr)
        return 2
    try:
        manifest = archive.verify(path)  # before the database is even opened
        eng = api.engine(args.database)
        archive.import_archive(eng, path, verified=manifest)
    except archive.ArchiveRefused as err:
        return _archive_refusal(err)
    api.refresh_results(eng)
    text = (
        f"Imported {manifest.total_rows} rows into {len(manifest.tables)} tables (exported from "
        f"{manifest.source_dialect} on {manifest.created_at}). Check it with "
        "`python -m metrics batches` and `python -m metrics doctor`."
    )
    _emit(manifest.to_dict(), args.format, text)
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """Check the deployment: one line per check, OK / WARN / FAIL; exit status 1 on any FAIL."""
    from metrics import doctor

    lines = doctor.run(doctor.Context(settings=api.get_settings(), today=api.today()))
    data = [{"check": x.check, "status": x.status, "message": x.message} for x in lines]
    _emit(data, args.format, "\n".join(x.text() for x in lines))
    return doctor.exit_status(lines)


def cmd_import_analytics(args: argparse.Namespace) -> int:
    """Load one month of Local Offer visits from a GA4 or Universal Analytics export."""
    from metrics import web_analytics

    path = Path(args.file)
    if not path.is_file():
        print(f"There is no file at {path}.", file=sys.stderr)
        return 2
    eng = api.engine(args.database)
    reg = targets.effective_registry(eng)
    result = web_analytics.check(
        path.read_bytes(), path.name, reg, today=api.today(), period=args.period,
        indicator=args.indicator,
    )  # fmt: skip
    data: dict[str, Any] = {
        "file": path.name, "ok": result.ok, "source": result.source,
        "indicator": result.indicator, "period": result.period, "views": result.total,
        "pages": result.pages, "problems": result.problems.to_dicts(), "preview": None,
        "batch_id": None, "rows_superseded": 0,
    }  # fmt: skip
    if not result.ok:
        text = (
            f"{result.problems.height} problem(s) found in {path.name}; nothing was stored.\n"
            + summary.problems_text(result.problems)
        )
        _emit(data, args.format, text)
        return 1
    if args.dry_run:
        preview = web_analytics.preview(eng, reg, result, today=api.today())
        data["preview"] = preview.to_dict()
        text = (
            f"{web_analytics.summary(result)} Dry run: nothing was stored.\n"
            + summary.preview_text(preview)
        )
    else:
        stored = web_analytics.store_month(eng, result, user=args.who)
        api.refresh_results(eng)
        data |= {"batch_id": stored.batch_id, "rows_superseded": stored.rows_superseded}
        text = (
            f"{web_analytics.summary(result)} Stored as batch {stored.batch_id}"
            + ("; it replaces the figure held for that month." if stored.rows_superseded
               else ".")
        )  # fmt: skip
    _emit(data, args.format, text)
    return 0


def cmd_mappings(args: argparse.Namespace) -> int:
    """List the saved and shipped column mappings; export one as TOML, or import one."""
    from metrics import mappings

    eng = api.engine(args.database)
    if args.action == "list":
        frame = mappings.listing(eng)
        _emit(frame.to_dicts(), args.format,
              _table(frame) if frame.height else "No mappings yet.")  # fmt: skip
        return 0
    if not args.target:
        needs = "a mapping name" if args.action == "export" else "a TOML file"
        print(f"mappings {args.action} needs {needs}.", file=sys.stderr)
        return 2
    try:
        if args.action == "export":
            text = mappings.to_toml(mappings.find(eng, args.target).mapping)
            if args.out:
                Path(args.out).write_text(text, encoding="utf-8")
                print(f"Wrote {args.out}")
            else:
                sys.stdout.write(text)
            return 0
        path = Path(args.target)
        if not path.is_file():
            print(f"There is no file at {path}.", file=sys.stderr)
            return 2
        mapping = mappings.from_toml(path.read_text(encoding="utf-8"))
        version = mappings.save(eng, mapping, args.who)
    except mappings.MappingError as err:
        print("The mapping cannot be used:\n" + "\n".join(f"  - {p}" for p in err.problems),
              file=sys.stderr)  # fmt: skip
        return 1
    _emit({"name": mapping.name, "version": version}, args.format,
          f"Saved the mapping “{mapping.name}” as version {version}.")  # fmt: skip
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m metrics", description=__doc__)
    p.add_argument("--database", help="database URL (default: MEASURES_DATABASE_URL or SQLite)")
    p.add_argument(
        "--debug", action="store_true", help="show the full traceback when something fails"
    )
    sub = p.add_subparsers(dest="command", required=True)

    def add_who(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--who", "--user", dest="who", default=default_who(),
            help="who is making the change, for the audit log (default: cli:<your login name>)",
        )  # fmt: skip

    def add(name: str, func: Any, help_text: str, fmt: bool = True) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_text, description=help_text)
        sp.set_defaults(func=func)
        if fmt:
            sp.add_argument("--format", choices=["text", "json"], default="text")
        return sp

    sp = add("check", cmd_check, "check the indicator registry and list every problem")
    sp.add_argument("--registry", help="a registry TOML file other than the shipped one")
    add("indicators", cmd_indicators, "list the indicators in the registry")
    add("seed", cmd_seed, "load the synthetic demo data (running it twice changes nothing)")
    sp = add("ingest", cmd_ingest, "validate a CSV or XLSX file and store it")
    sp.add_argument("dataset", help="dataset name, e.g. ehc_requests")
    sp.add_argument("file")
    sp.add_argument("--sheet", help="Excel sheet name (default: 'data', else the first)")
    sp.add_argument(
        "--dry-run", action="store_true", help="validate and preview the changes; store nothing"
    )
    sp.add_argument("--mapping", help="read the file through this saved column mapping")
    add_who(sp)
    sp = add("compute", cmd_compute, "compute indicators from the stored data")
    sp.add_argument("--indicator")
    sp.add_argument("--period", help="e.g. 2024, 2024/25, 2024-25, 2024-Q1, 2024-03")
    sp.add_argument("--breakdowns", action="store_true", help="include breakdown groups")
    sp = add("template", cmd_template, "print or write a blank upload template")
    sp.add_argument("dataset")
    sp.add_argument("--type", choices=["csv", "xlsx"], default="csv")
    sp.add_argument("--out", help="write to this file")
    add("batches", cmd_batches, "list upload batches")
    sp = add("rollback", cmd_rollback, "roll back an upload batch")
    sp.add_argument("batch", type=int)
    add_who(sp)
    sp = add(
        "import-official", cmd_import_official,
        "import official statistics (Explore Education Statistics or LAIT) as comparators",
    )  # fmt: skip
    sp.add_argument(
        "source", help="an official file, a folder or a release's .zip, or an http(s) address"
    )
    sp.add_argument("--kind", choices=["ees", "lait"], help="the kind of file (default: detected)")
    sp.add_argument("--dry-run", action="store_true", help="check the file; store nothing")
    add_who(sp)
    add(
        "official-sources", cmd_official_sources,
        "list the official files the registry needs, where each is published and the copy held",
    )  # fmt: skip
    sp = add("init-area", cmd_init_area, "write a starter registry for a local authority")
    sp.add_argument("--la-code", required=True, help="new code (E09000001) or old code (201)")
    sp.add_argument("--out", required=True, help="the registry file to write, e.g. area.toml")
    sp.add_argument("--force", action="store_true", help="replace --out if it exists")
    sp = add("import-sen2", cmd_import_sen2, "import a SEN2 return (XML), pseudonymised")
    sp.add_argument("file")
    sp.add_argument("--dry-run", action="store_true", help="check and preview; store nothing")
    add_who(sp)
    sp = add(
        "import-analytics", cmd_import_analytics,
        "load a month of Local Offer visits from a GA4 or Universal Analytics pages export",
    )  # fmt: skip
    sp.add_argument("file")
    sp.add_argument("--period", help="the month, yyyy-mm, when the file does not give its dates")
    sp.add_argument("--indicator", help="the measure it feeds (default: the registry's)")
    sp.add_argument("--dry-run", action="store_true", help="check and preview; store nothing")
    add_who(sp)
    sp = add("mappings", cmd_mappings, "list, export or import saved column mappings")
    sp.add_argument("action", nargs="?", choices=["list", "export", "import"], default="list")
    sp.add_argument("target", nargs="?", help="export: the mapping's name; import: a TOML file")
    sp.add_argument("--out", help="export: write to this file")
    add_who(sp)
    sp = add("boardpack", cmd_boardpack, "write the board pack (PDF or HTML) for a period")
    sp.add_argument("--period", required=True, help="e.g. 2025-26, 2025/26, 2025, 2025-Q3")
    sp.add_argument("--out", required=True, help="the file to write: .pdf or .html")
    sp.add_argument("--threshold", type=int, help="suppress counts below this (default: 5)")
    add("doctor", cmd_doctor, "check that this deployment is healthy (OK / WARN / FAIL)")
    sp = add("export-db", cmd_export_db, "write every table to one portable archive (ZIP)")
    sp.add_argument("--out", required=True, help="the archive file to write, e.g. measures.zip")
    sp = add("import-db", cmd_import_db, "load an archive from export-db into an empty database")
    sp.add_argument("file")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.database:
        import os

        os.environ["MEASURES_DATABASE_URL"] = args.database
        api.get_settings.cache_clear()
    from metrics import operator_errors

    operator_errors.mask_logs()
    try:
        return int(args.func(args))
    except Exception as exc:
        if args.debug:
            raise
        return explain_failure(exc, args.database or api.get_settings().database_url)


def explain_failure(exc: Exception, database_url: str) -> int:
    """Print what failed and how to fix it (no traceback) and give the exit status, 2."""
    from metrics import operator_errors

    found = operator_errors.classify(exc, database_url)
    if found is None:
        text = (
            f"The command failed unexpectedly ({type(exc).__name__}: "
            f"{operator_errors.mask(str(exc)).splitlines()[0] if str(exc) else 'no message'}). "
            "This is probably a fault in the software, not in a setting: run it again with "
            "--debug (before the command's name) to see the details, and report them."
        )
    else:
        text = found.paragraph()
    print(
        textwrap.fill(text, width=100, break_on_hyphens=False, break_long_words=False),
        file=sys.stderr,
    )
    return operator_errors.EXIT_STATUS


if __name__ == "__main__":
    sys.exit(main())
