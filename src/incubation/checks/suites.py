"""Running the templates' Great Expectations suites on parsed frames.

Suites are reviewed JSON files in ``expectations/`` (one per template), loaded by name into an
ephemeral GX context. An expectation whose ``meta.vocabulary`` names a vocabulary (the one its
column's contract names: ``carrier_type`` in the seed ``vocabularies``, or a seed column such
as ``zones:zone_name_zh``; ``reference.vocabulary``) gets its ``value_set`` from the seed, so
the list lives in one place; ``{value_set}`` in its ``meta.fix_zh`` becomes that list, joined
by 、.
GX is imported here only, and a ``SuiteRunner`` is built once per run, not once per file.
"""

from __future__ import annotations

import copy
import json
import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd

from incubation.checks.data_docs import make_offline
from incubation.checks.problems import SEVERITY_ERROR, SEVERITY_INFO, SEVERITY_WARNING, Problem
from incubation.checks.reference import vocabulary

DOCS_SITE = "nightly"
GX_SEVERITY = {"critical": SEVERITY_ERROR, "warning": SEVERITY_WARNING, "info": SEVERITY_INFO}


def load_suite_json(expectations_dir: Path, template: str, seeds_dir: Path) -> dict:
    doc = json.loads((Path(expectations_dir) / f"{template}.json").read_text(encoding="utf-8"))
    for exp in doc["expectations"]:
        name = exp.get("meta", {}).get("vocabulary")
        if name:
            values = vocabulary(seeds_dir, name)
            exp["kwargs"]["value_set"] = values
            fix = exp["meta"].get("fix_zh", "")
            exp["meta"]["fix_zh"] = fix.replace("{value_set}", "、".join(values))
    return doc


_COLUMN_KWARGS = ("column", "column_A", "column_B")


def suite_columns(doc: dict) -> list[str] | None:
    """The columns a suite's expectations name, or None when one of them looks at the whole
    table (it then gets every column)."""
    found: list[str] = []
    for exp in doc["expectations"]:
        kwargs = exp["kwargs"]
        named = [kwargs[k] for k in _COLUMN_KWARGS if k in kwargs] + kwargs.get("column_list", [])
        if not named:
            return None
        found += [c for c in named if c not in found]
    return found


def type_lists(doc: dict) -> dict[str, set[str]]:
    """The type names a suite allows each column (``expect_column_values_to_be_in_type_list``)."""
    return {
        exp["kwargs"]["column"]: set(exp["kwargs"]["type_list"])
        for exp in doc["expectations"]
        if exp["type"] == "expect_column_values_to_be_in_type_list"
    }


def numpy_numbers(frame: pd.DataFrame, allowed: dict[str, set[str]]) -> pd.DataFrame:
    """The frame with its nullable numbers as numpy's, where nothing is lost and the suite's
    type list (``allowed``) takes numpy's name too: GX tests a nullable column row by row in
    Python (``expect_column_values_to_be_between`` maps every value), a numpy one at once.
    Float64 becomes float64 (a missing value NaN, which GX leaves out as null as it does NA);
    Int64 becomes int64 only with no value missing (as float64 it would fail its type list)."""
    numpy = {}
    for name in frame.columns:
        column, names = frame[name], allowed.get(name)
        if isinstance(column.dtype, pd.Float64Dtype) and (names is None or "float64" in names):
            numpy[name] = column.to_numpy("float64", na_value=np.nan)
        elif (
            isinstance(column.dtype, pd.Int64Dtype)
            and (names is None or "int64" in names)
            and not column.hasnans
        ):
            numpy[name] = column.to_numpy("int64")
    return frame.assign(**numpy) if numpy else frame


class SuiteRunner:
    """An ephemeral GX context with one validation definition per template.

    With ``docs_dir``, the results wait in ``undocumented`` to be rendered as GX Data Docs (a
    static site) into that folder: their pages by ``render_pages`` (in the check's worker
    processes too), then the index once by ``index``, in the one process that holds them all.
    """

    def __init__(
        self,
        expectations_dir: Path,
        seeds_dir: Path,
        templates: list[str],
        docs_dir: Path | None = None,
    ):
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        import great_expectations as gx
        from great_expectations.core import ExpectationSuite
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False
        )
        if docs_dir is not None:
            self.context.add_data_docs_site(
                site_name=DOCS_SITE,
                site_config={
                    "class_name": "SiteBuilder",
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(docs_dir),
                    },
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )
        self.docs_dir = docs_dir
        self.undocumented: list = []  # results not yet rendered into docs_dir
        source = self.context.data_sources.add_pandas("department_files")
        self.definitions = {}
        self.columns: dict[str, list[str] | None] = {}  # what each suite looks at
        self.types: dict[str, dict[str, set[str]]] = {}  # the type names each suite allows
        for template in templates:
            asset = source.add_dataframe_asset(template)
            batch = asset.add_batch_definition_whole_dataframe(f"{template}_whole")
            doc = load_suite_json(expectations_dir, template, seeds_dir)
            self.columns[template] = suite_columns(doc)
            self.types[template] = type_lists(doc)
            suite = self.context.suites.add(ExpectationSuite(**doc))
            self.definitions[template] = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=f"{template}_check", data=batch, suite=suite)
            )

    def validate(self, template: str, frame: pd.DataFrame):
        """The suite over ``frame``: first whether each expectation holds (``BOOLEAN_ONLY``),
        then only the ones that failed again, with every failing row's index (``COMPLETE``),
        their results put in place of the first ones. Most batches pass every expectation,
        and the counts and lists of a ``COMPLETE`` run are a large part of the suite's time:
        Data Docs show the observed values of the failed
        expectations only."""
        definition = self.definitions[template]
        columns = self.columns[template]
        if columns is not None:
            frame = frame[[c for c in frame.columns if c in columns]]
        frame = numpy_numbers(frame, self.types[template])
        result = definition.run(
            batch_parameters={"dataframe": frame}, result_format={"result_format": "BOOLEAN_ONLY"}
        )
        failed = [k for k, item in enumerate(result.results) if not item.success]
        if failed:
            from great_expectations.core import ExpectationSuite

            again = ExpectationSuite(
                name=result.suite_name,
                # copies: an expectation belongs to one suite
                expectations=[
                    copy.copy(result.results[k].expectation_config.to_domain_obj()) for k in failed
                ],
            )
            detail = definition.data.get_batch(batch_parameters={"dataframe": frame}).validate(
                again,
                # not the same rows again as a query string to give back (a pass over the
                # batch per expectation)
                result_format={"result_format": "COMPLETE", "return_unexpected_index_query": False},
            )
            for k, item in zip(failed, detail.results, strict=True):
                item.expectation_config = result.results[k].expectation_config  # with its id
                result.results[k] = item
        if self.docs_dir is not None:
            self.undocumented.append(result)
        return result

    def render_pages(self) -> list:
        """Render the waiting results' pages into the Data Docs site, without the index (a
        worker process may do this part: each page is its own file); returns the results,
        for ``index``."""
        results, self.undocumented = self.undocumented, []
        if results:
            self.context.build_data_docs(
                site_names=[DOCS_SITE],
                resource_identifiers=[_result_key(r) for r in results],
                build_index=False,
            )
        return [_for_index(r) for r in results]

    def index(self, results: list) -> None:
        """The suites' pages and the site's index, once, over ``results`` (this process's own
        and those handed back by workers, which its store must hold: GX indexes only the
        results its store knows, and deletes the other pages)."""
        if self.docs_dir is None:
            return
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
        )

        store = self.context.validation_results_store
        for result in results:
            key = _result_key(result)
            if not store.has_key(key):
                store.store_validation_results(
                    suite_validation_result=result,
                    suite_validation_result_identifier=key,
                    expectation_suite_identifier=key.expectation_suite_identifier,
                )
        suites = sorted({r.suite_name for r in results})
        self.context.build_data_docs(
            site_names=[DOCS_SITE],
            resource_identifiers=[ExpectationSuiteIdentifier(name=n) for n in suites],
        )
        make_offline(self.docs_dir)  # GX's pages load their libraries from CDNs

    def problems(
        self,
        template: str,
        frame: pd.DataFrame,
        headers: dict[int, dict[tuple[str, str], str]],
        file_column: str,
    ) -> list[tuple[int, Problem]]:
        """(file index, problem) for every failing row of every file in the batch; ``headers``
        by file index, then by (sheet, column): the header as that file wrote it."""
        result = self.validate(template, frame)
        return results_to_problems(result, frame, headers, file_column)


def _for_index(result):
    """What the index needs of a result whose page is written: its identity, success,
    statistics and meta, without the expectations' results (every failing row's index, for
    COMPLETE results: megabytes to pickle back from a worker and to store again)."""
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
    )

    return ExpectationSuiteValidationResult(
        success=result.success,
        results=[],
        suite_name=result.suite_name,
        suite_parameters=result.suite_parameters,
        statistics=result.statistics,
        meta=result.meta,
        batch_id=result.batch_id,
        id=result.id,
    )


def _result_key(result):
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    return ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=result.suite_name),
        run_id=result.meta["run_id"],
        batch_identifier=result.batch_id,
    )


def _display(value: object) -> str | None:
    if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
        return None
    return str(value)


def results_to_problems(
    result,
    frame: pd.DataFrame,
    headers: dict[int, dict[tuple[str, str], str]],
    file_column: str,
) -> list[tuple[int, Problem]]:
    """One problem per failing row; a table-level failure goes to every file of the batch."""
    problems: list[tuple[int, Problem]] = []
    files = sorted(set(frame[file_column]))
    for item in result.results:
        if item.success:
            continue
        config = item.expectation_config
        kwargs = config.kwargs
        meta = config.meta or {}
        severity = GX_SEVERITY.get(str(getattr(config.severity, "value", config.severity)), "E")
        columns = (
            [kwargs["column"]]
            if "column" in kwargs
            else list(kwargs.get("column_list", []))
            or [kwargs.get("column_A"), kwargs.get("column_B")]
        )
        columns = [c for c in columns if c and c != file_column]
        rule = meta.get("rule_zh") or config.type
        fix = meta.get("fix_zh", "")
        indexes = (item.result or {}).get("unexpected_index_list")
        if not indexes:
            for file_index in files:
                problems.append(
                    (
                        int(file_index),
                        Problem(
                            severity,
                            config.type,
                            rule,
                            fix,
                            column="、".join(columns) or None,
                            source="gx",
                        ),
                    )
                )
            continue
        for idx in indexes:
            position = idx.get("index") if isinstance(idx, dict) else idx
            row = frame.loc[position]
            sheet, file_index = row["source_sheet"], int(row[file_column])
            written = headers.get(file_index, {})
            values = [_display(row[c]) for c in columns if c in frame.columns]
            problems.append(
                (
                    file_index,
                    Problem(
                        severity,
                        config.type,
                        rule,
                        fix,
                        sheet=sheet,
                        row=int(row["source_row"]),
                        column="、".join(written.get((sheet, c), c) for c in columns),
                        value=" / ".join(v for v in values if v is not None) or None,
                        source="gx",
                    ),
                )
            )
    return problems
