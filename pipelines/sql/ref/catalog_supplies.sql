-- object: ref.catalog_supplies
-- grain: one row per supply entry (MA_VAT_TU, TT_THAU) of a facility's approved list, per version and validity span
-- description: Danh mục vật tư y tế: the facility's approved supplies (BHXH portal template, 23 columns), as loaded by bhyt-etl catalog load (pipelines/reference; data/catalogs/README.md), every version kept; read it as of a day d with d BETWEEN valid_from AND valid_to. A version applies from its version_from (the first one also to every earlier day) until the next version of the same facility (or national list) starts; the entry's own TU_NGAY/DEN_NGAY narrow that
-- source: data/catalogs/README.md (layouts of the BHXH portal catalogue templates)
-- param loaded: the relation holding the rows of every loaded version of the kind (registered by load_reference)
-- column macskcb: MACSKCB of the facility whose list this is
-- column ma_vat_tu: MA_VAT_TU: supply code, as XML3 MA_VAT_TU carries it
-- column nhom_vat_tu: NHOM_VAT_TU: supply group
-- column ten_vat_tu: TEN_VAT_TU: approved supply name
-- column ma_hieu: MA_HIEU: model / catalogue number
-- column quy_cach: QUY_CACH: packaging
-- column hang_sx: HANG_SX: manufacturer
-- column nuoc_sx: NUOC_SX: country of manufacture
-- column don_vi_tinh: DON_VI_TINH: the unit the price is per
-- column don_gia: DON_GIA: the purchase (tender) unit price, VND
-- column don_gia_bh: DON_GIA_BH: the unit price the fund pays at most, VND (compare with XML2 DON_GIA / XML3 DON_GIA_BH)
-- column tyle_tt_bh: TYLE_TT_BH: percent the fund pays
-- column so_luong: SO_LUONG: quantity awarded in the tender
-- column dinh_muc: DINH_MUC: quota
-- column nha_thau: NHA_THAU: the supplier that won the tender
-- column tt_thau: TT_THAU: tender information 'decision;package;group;year', as XML2/XML3 TT_THAU must carry it
-- column tu_ngay: TU_NGAY: the entry's own first day, as the file gives it (null: not given)
-- column den_ngay_hd: DEN_NGAY_HD: last day of the supply contract
-- column ma_cskcb: MA_CSKCB: facility code written in the file's row (informative; the list's facility is macskcb)
-- column loai_thau: LOAI_THAU: kind of tender (template code)
-- column ht_thau: HT_THAU: tender form (template code)
-- column den_ngay: DEN_NGAY: the entry's own last day, as the file gives it (null: open)
-- column valid_from: first day the entry applies (inclusive; 0001-01-01 when unbounded)
-- column valid_to: last day the entry applies (inclusive; 9999-12-31 when open)
-- column version_id: the catalogue version the entry belongs to (bhyt-etl catalog list)
-- column source_row: the entry's row in the loaded file
CREATE OR REPLACE TABLE ref.catalog_supplies AS
WITH entries AS (
    SELECT
        nullif(s.scope, '') AS macskcb,
        r.ma_vat_tu, r.nhom_vat_tu, r.ten_vat_tu, r.ma_hieu, r.quy_cach, r.hang_sx, r.nuoc_sx, r.don_vi_tinh, r.don_gia, r.don_gia_bh, r.tyle_tt_bh, r.so_luong, r.dinh_muc, r.nha_thau, r.tt_thau, r.tu_ngay, r.den_ngay_hd, r.ma_cskcb, r.loai_thau, r.ht_thau, r.den_ngay,
        greatest(coalesce(r.tu_ngay, DATE '0001-01-01'), s.span_from) AS valid_from,
        least(coalesce(r.den_ngay, DATE '9999-12-31'), s.span_to) AS valid_to,
        r.version_id,
        r.source_row
    FROM ${loaded} AS r
    JOIN _ref_catalog_spans AS s ON s.scope = coalesce(r.catalog_facility, '') AND s.version_id = r.version_id
)
SELECT * FROM entries WHERE valid_from <= valid_to
