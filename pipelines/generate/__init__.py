"""Generate: synthetic test data: a deterministic test PKI, signed QĐ 130 envelopes, labelled defects,
linked episodes, the fund's card list and night two's resends (``bhyt-etl generate``).

Never used by the stages. May import: ``pipelines.decide`` (the signature module's algorithm URIs, the
hardened parser), ``pipelines.standard``, ``pipelines.common``.
"""
