"""Rules for several tables: one file, one rule per table at load, each with its own code; no two rule files
are copies of each other with only the table name changed."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from pipelines.marts import review

#: the rules that come from a file for several tables: their codes existed before the files were merged and
#: are what findings, tests, docs and the facilities' messages use; they must not change
SHARED = {
    "BIZ.XML2+XML3.LINE_BALANCE.sql": ("BIZ.XML2.LINE_BALANCE", "BIZ.XML3.LINE_BALANCE"),
    "BIZ.XML2+XML3.MA_BAC_SI_REQUIRED.sql": ("BIZ.XML2.MA_BAC_SI_REQUIRED", "BIZ.XML3.MA_BAC_SI_REQUIRED"),
    "BIZ.XML2+XML3.MA_NHOM_LEGACY.sql": ("BIZ.XML2.MA_NHOM_LEGACY", "BIZ.XML3.MA_NHOM_LEGACY"),
    "BIZ.XML2+XML3.MA_NHOM_TABLE.sql": ("BIZ.XML2.MA_NHOM_TABLE", "BIZ.XML3.MA_NHOM_TABLE"),
    "BIZ.XML2+XML3.NGAY_TH_YL_BEFORE_YL.sql": (
        "BIZ.XML2.NGAY_TH_YL_BEFORE_YL",
        "BIZ.XML3.NGAY_TH_YL_BEFORE_YL",
    ),
    "BIZ.XML2+XML3.NGAY_YL_AFTER_RA.sql": ("BIZ.XML2.NGAY_YL_AFTER_RA", "BIZ.XML3.NGAY_YL_AFTER_RA"),
    "BIZ.XML2+XML3.NGAY_YL_BEFORE_VAO.sql": ("BIZ.XML2.NGAY_YL_BEFORE_VAO", "BIZ.XML3.NGAY_YL_BEFORE_VAO"),
    "BIZ.XML2+XML3.T_BHTT_FORMULA.sql": ("BIZ.XML2.T_BHTT_FORMULA", "BIZ.XML3.T_BHTT_FORMULA"),
    "BIZ.XML2+XML3.T_BNCCT_FORMULA.sql": ("BIZ.XML2.T_BNCCT_FORMULA", "BIZ.XML3.T_BNCCT_FORMULA"),
    "BIZ.XML2+XML3.T_BNTT_FORMULA.sql": ("BIZ.XML2.T_BNTT_FORMULA", "BIZ.XML3.T_BNTT_FORMULA"),
    "BIZ.XML2+XML3.T_NGUONKHAC_PARTS.sql": ("BIZ.XML2.T_NGUONKHAC_PARTS", "BIZ.XML3.T_NGUONKHAC_PARTS"),
    "BIZ.XML2+XML3.T_NGUONKHAC_RANGE.sql": ("BIZ.XML2.T_NGUONKHAC_RANGE", "BIZ.XML3.T_NGUONKHAC_RANGE"),
    "BIZ.XML13+XML14.DATES_DIFFER_XML1.sql": ("BIZ.XML13.DATES_DIFFER_XML1", "BIZ.XML14.DATES_DIFFER_XML1"),
    "BIZ.XML5+XML7+XML8.MISSING.sql": ("BIZ.XML5.MISSING", "BIZ.XML7.MISSING", "BIZ.XML8.MISSING"),
    "BIZ.XML5+XML8.UNEXPECTED.sql": ("BIZ.XML5.UNEXPECTED", "BIZ.XML8.UNEXPECTED"),
}

RULE = """-- code: {code}
-- severity: error
-- {tables}
-- field: T_BHTT
-- message_vi: {message}
-- message_en: the line of ${{table}} is wrong
-- grain: one row per offending line
-- source: test
-- enabled: true
SELECT macskcb, ma_lk, '${{table}}' AS loaihoso, 'T_BHTT' AS field, 'x' AS value FROM chk.${{t}} WHERE false
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def normalised(text: str) -> str:
    """A rule's SQL with every table name (and the table placeholders) made the same."""
    text = re.sub(r"\$\{table\}|\$\{t\}", "XMLn", text)
    return re.sub(r"xml([1-9]|1[0-5])\b", "XMLn", text, flags=re.IGNORECASE)


def test_no_rule_file_is_a_copy_of_another_with_only_the_table_name_changed(rules):
    files: dict[str, set[Path]] = defaultdict(set)
    for rule in rules:
        files[normalised(rule.sql)].add(rule.path)
    copies = sorted(sorted(p.name for p in paths) for paths in files.values() if len(paths) > 1)
    assert copies == [], f"rule files that differ only by table: merge them with '-- tables:' ({copies})"


def test_the_normalisation_finds_a_copy(tmp_path):
    sql = "SELECT macskcb, ma_lk, 'XML2' AS loaihoso, 'F' AS field, 'x' AS value FROM chk.xml2 WHERE false\n"
    head = "-- code: BIZ.{t}.F\n-- severity: error\n-- table: {t}\n-- field: F\n-- message_vi: m\n"
    head += "-- message_en: m\n-- grain: one row per offending line\n-- source: test\n-- enabled: true\n"
    write(tmp_path, "BIZ.XML2.F.sql", head.format(t="XML2") + sql)
    write(tmp_path, "BIZ.XML3.F.sql", head.format(t="XML3") + sql.replace("2", "3"))
    copies = {normalised(r.sql) for r in review.load_rules(tmp_path)}
    assert len(copies) == 1


def test_each_table_keeps_its_own_code_messages_and_sql(rules):
    by_code = {r.code: r for r in rules}
    for name, codes in SHARED.items():
        expanded = [r for r in rules if r.path.name == name]
        assert tuple(r.code for r in expanded) == codes, name
        for rule in expanded:
            assert rule.code.split(".")[1] == rule.table
            assert "${" not in rule.sql + rule.message_vi + rule.message_en + rule.source + rule.field
            assert f"chk.{rule.table.lower()}" in rule.sql or rule.table in rule.sql
    missing = {c: by_code[c] for c in SHARED["BIZ.XML5+XML7+XML8.MISSING.sql"]}
    assert "giấy ra viện" in missing["BIZ.XML7.MISSING"].message_vi
    assert "tóm tắt hồ sơ bệnh án" in missing["BIZ.XML8.MISSING"].message_vi
    assert (
        "requires_xml8" in missing["BIZ.XML8.MISSING"].sql and "xml5" not in missing["BIZ.XML8.MISSING"].sql
    )
    table = by_code["BIZ.XML3.MA_NHOM_TABLE"].message_vi
    assert "bảng XML3 (nhóm thuốc, máu thuộc XML2; dịch vụ, vật tư thuộc XML3)" in table


def test_a_file_for_two_tables_gives_two_rules(tmp_path):
    text = RULE.format(code="BIZ.${table}.SPLIT", tables="tables: XML2, XML3", message="dòng ${table} sai")
    write(tmp_path, "BIZ.XML2+XML3.SPLIT.sql", text)
    two = review.load_rules(tmp_path)
    assert [(r.code, r.table, r.message_vi) for r in two] == [
        ("BIZ.XML2.SPLIT", "XML2", "dòng XML2 sai"),
        ("BIZ.XML3.SPLIT", "XML3", "dòng XML3 sai"),
    ]
    assert "FROM chk.xml3 " in two[1].sql and "'XML3' AS loaihoso" in two[1].sql


def test_per_table_values(tmp_path):
    text = RULE.format(
        code="BIZ.${table}.SPLIT",
        tables="tables: XML2, XML3",
        message="x\n-- note XML2: about drugs\n-- note XML3: about services",
    )
    write(tmp_path, "BIZ.XML2+XML3.SPLIT.sql", text)
    assert [r.note for r in review.load_rules(tmp_path)] == ["about drugs", "about services"]


@pytest.mark.parametrize(
    "name, code, tables, message, error",
    [
        # a placeholder the rule does not know, in the header or in the SQL
        (
            "BIZ.XML2+XML3.S.sql",
            "BIZ.${table}.S",
            "tables: XML2, XML3",
            "${tabel}",
            r":5: unknown placeholder \$\{tabel\}",
        ),
        (
            "BIZ.XML2.S.sql",
            "BIZ.${table}.S",
            "table: XML2",
            "${xml}",
            r"S\.sql:5: unknown placeholder \$\{xml\}",
        ),
        # several tables, one code
        ("BIZ.XML2+XML3.S.sql", "BIZ.XML2.S", "tables: XML2, XML3", "m", r"needs \$\{table\} in its code"),
        # the file is named after the code with its tables
        (
            "BIZ.XML2.S.sql",
            "BIZ.${table}.S",
            "tables: XML2, XML3",
            "m",
            r"equal the file name \(BIZ\.XML2\+XML3\.S",
        ),
        # a per-table value for every table, and only for the tables listed
        ("BIZ.XML2+XML3.S.sql", "BIZ.${table}.S", "tables: XML2, XML3\n-- note XML2: n", "m", "not for XML3"),
        (
            "BIZ.XML2+XML3.S.sql",
            "BIZ.${table}.S",
            "tables: XML2, XML3\n-- note XML4: n",
            "m",
            "XML4 is not in",
        ),
        (
            "BIZ.XML2+XML3.S.sql",
            "BIZ.${table}.S",
            "tables: XML2, XML3\n-- note: n\n-- note XML2: n\n-- note XML3: n",
            "m",
            "'note' is given for all tables and per table",
        ),
        (
            "BIZ.XML2.S.sql",
            "BIZ.XML2.S",
            "table: XML2\n-- note XML2: n",
            "m",
            "per-table values need 'tables'",
        ),
        # one of table / tables, tables listed once
        (
            "BIZ.XML2.S.sql",
            "BIZ.XML2.S",
            "table: XML2\n-- tables: XML2, XML3",
            "m",
            "exactly one of table, tables",
        ),
        ("BIZ.XML2+XML2.S.sql", "BIZ.${table}.S", "tables: XML2, XML2", "m", "listed twice"),
        ("BIZ.XML2+XML3.S.sql", "BIZ.${table}.S", "tables: XML2,XML3", "m", "two or more of XML1"),
    ],
)
def test_a_wrong_rule_file_is_refused_naming_it(tmp_path, name, code, tables, message, error):
    write(tmp_path, name, RULE.format(code=code, tables=tables, message=message))
    with pytest.raises(review.RuleDefinitionError, match=error) as raised:
        review.load_rules(tmp_path)
    assert name in str(raised.value)


def test_two_files_with_one_code_are_refused(tmp_path):
    write(
        tmp_path,
        "BIZ.XML2+XML3.S.sql",
        RULE.format(code="BIZ.${table}.S", tables="tables: XML2, XML3", message="m"),
    )
    write(tmp_path, "BIZ.XML3.S.sql", RULE.format(code="BIZ.XML3.S", tables="table: XML3", message="m"))
    with pytest.raises(
        review.RuleDefinitionError, match=r"BIZ\.XML3\.S is defined twice: BIZ\.XML2\+XML3\.S\.sql"
    ):
        review.load_rules(tmp_path)
