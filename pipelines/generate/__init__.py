"""Synthetic test data: deterministic test PKI and signed QĐ 130 envelopes (never used by the stages)."""
