"""BHYT claims ETL: QĐ 130/4750 XML claim files in, typed Parquet and a DuckDB warehouse out."""

__version__ = "0.1.0"
