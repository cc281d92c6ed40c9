"""Reference catalogues: the reviewer's lists (approved drugs, service prices, supplies, licensed staff,
departments and beds, equipment, facilities, administrative units, YHCT codes) as dated versions in the lake.

``kinds``   the catalogue kinds and their column layouts (``kinds.toml``: the BHXH portal templates)
``read``    one ``.csv`` or ``.xlsx`` file as it comes (header aliases, Vietnamese headers, dd/mm/yyyy dates,
            thousands separators) into a typed Arrow table; a bad row is an error naming its row and column
``store``   the versions in the lake (``<lake>/catalogs/<kind>/<scope>/<version>.parquet``), written
            atomically, never overwritten; the list of what is loaded; the versions as one Arrow table per
            kind for the warehouse's ``ref.catalog_*`` tables

Why a stage of its own: the catalogues are a second input of the product, loaded by the operator
(``bhyt-etl catalog load``) at any time, not by the night; they are neither claims (``landing``/``decide``)
nor the warehouse build, which only reads them (``pipelines.marts.review`` turns them into ``ref.*``).

Plain functions; no Prefect. May import: ``pipelines.common``, ``pipelines.standard``. Sits in the layer of
``landing``, ``decide`` and ``warehouse`` and imports none of them.
"""
