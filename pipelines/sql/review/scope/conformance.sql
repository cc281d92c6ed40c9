-- object: chk.main.conformance
-- grain: one row per conformance finding (STD.*) of a claim under review: per claim, code, field and table
-- description: the conformance warnings the receipt of each claim under review carried (core.conformance: the standard's stricter text not met, values stored exactly; docs/conformance.md), for the rule BIZ.XML1.STD_CONFORMANCE. Lives in the review's in-memory scope (chk), never in the warehouse.
-- param db: the warehouse's catalogue, quoted (the scope is an attached in-memory database)
-- column macskcb: facility of the claim
-- column ma_lk: the claim's MA_LK
-- column source_sha256: the file of the claim version under review
-- column code: the STD code (STD.LENGTH, STD.DECIMALS, ...)
-- column loaihoso: the table
-- column field: the field (NULL for STD.ORDER and STD.SHAPE)
-- column detail: the rule broken and how many rows
CREATE VIEW chk.main.conformance AS
SELECT c.macskcb, c.ma_lk, c.source_sha256, c.code, c.loaihoso, c.field, c.detail
FROM ${db}.core.conformance AS c
SEMI JOIN chk.main.scope AS s ON c.macskcb = s.macskcb AND c.ma_lk = s.ma_lk AND c.source_sha256 = s.source_sha256
