-- object: ref.catalog_drugs
-- grain: one row per drug entry (MA_THUOC, HAM_LUONG, SO_DANG_KY, TT_THAU) of a facility's approved list, per version and validity span
-- description: Danh mục thuốc: the facility's approved drugs (BHXH portal template, 36 columns), as loaded by bhyt-etl catalog load (pipelines/reference; data/catalogs/README.md), every version kept; read it as of a day d with d BETWEEN valid_from AND valid_to. A version applies from its version_from (the first one also to every earlier day) until the next version of the same facility (or national list) starts; the entry's own TU_NGAY/DEN_NGAY narrow that
-- source: data/catalogs/README.md (layouts of the BHXH portal catalogue templates)
-- param loaded: the relation holding the rows of every loaded version of the kind (registered by load_reference)
-- column macskcb: MACSKCB of the facility whose list this is
-- column ma_thuoc: MA_THUOC: active-ingredient code of the shared code list, as XML2 MA_THUOC carries it
-- column ten_hoat_chat: TEN_HOAT_CHAT: active ingredient(s)
-- column ten_thuoc: TEN_THUOC: the approved product name (compare with XML2 TEN_THUOC)
-- column don_vi_tinh: DON_VI_TINH: the unit the price is per
-- column ham_luong: HAM_LUONG: strength / concentration, as XML2 HAM_LUONG must carry it
-- column duong_dung: DUONG_DUNG: route, in words
-- column ma_duong_dung: MA_DUONG_DUNG: route code (XML2 DUONG_DUNG)
-- column dang_bao_che: DANG_BAO_CHE: dosage form
-- column so_dang_ky: SO_DANG_KY: marketing-authorisation number, as XML2 SO_DANG_KY must carry it
-- column so_luong: SO_LUONG: quantity awarded in the tender
-- column don_gia: DON_GIA: the purchase (tender) unit price, VND
-- column don_gia_bh: DON_GIA_BH: the unit price the fund pays at most, VND (compare with XML2 DON_GIA / XML3 DON_GIA_BH)
-- column quy_cach: QUY_CACH: packaging
-- column nha_sx: NHA_SX: manufacturer
-- column nuoc_sx: NUOC_SX: country of manufacture
-- column nha_thau: NHA_THAU: the supplier that won the tender
-- column tt_thau: TT_THAU: tender information 'decision;package;group;year', as XML2/XML3 TT_THAU must carry it
-- column tu_ngay: TU_NGAY: the entry's own first day, as the file gives it (null: not given)
-- column den_ngay: DEN_NGAY: the entry's own last day, as the file gives it (null: open)
-- column ma_cskcb: MA_CSKCB: facility code written in the file's row (informative; the list's facility is macskcb)
-- column loai_thuoc: LOAI_THUOC: kind of drug (template code)
-- column loai_thau: LOAI_THAU: kind of tender (template code)
-- column ht_thau: HT_THAU: tender form (template code)
-- column valid_from: first day the entry applies (inclusive; 0001-01-01 when unbounded)
-- column valid_to: last day the entry applies (inclusive; 9999-12-31 when open)
-- column version_id: the catalogue version the entry belongs to (bhyt-etl catalog list)
-- column source_row: the entry's row in the loaded file
CREATE OR REPLACE TABLE ref.catalog_drugs AS
WITH entries AS (
    SELECT
        nullif(s.scope, '') AS macskcb,
        r.ma_thuoc, r.ten_hoat_chat, r.ten_thuoc, r.don_vi_tinh, r.ham_luong, r.duong_dung, r.ma_duong_dung, r.dang_bao_che, r.so_dang_ky, r.so_luong, r.don_gia, r.don_gia_bh, r.quy_cach, r.nha_sx, r.nuoc_sx, r.nha_thau, r.tt_thau, r.tu_ngay, r.den_ngay, r.ma_cskcb, r.loai_thuoc, r.loai_thau, r.ht_thau,
        greatest(coalesce(r.tu_ngay, DATE '0001-01-01'), s.span_from) AS valid_from,
        least(coalesce(r.den_ngay, DATE '9999-12-31'), s.span_to) AS valid_to,
        r.version_id,
        r.source_row
    FROM ${loaded} AS r
    JOIN _ref_catalog_spans AS s ON s.scope = coalesce(r.catalog_facility, '') AND s.version_id = r.version_id
)
SELECT * FROM entries WHERE valid_from <= valid_to
