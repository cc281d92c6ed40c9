"""Decide: one file's bytes in, its receipt and typed rows out. Pure: no I/O beyond the bytes it is given.

``guard``      size cap, the one hardened parser, encodings, DOCTYPE and entity refusal
``signature``  XMLDSig verification: pinned location, allowed algorithms, chain, validity, binding
``unpack``     the envelope: MACSKCB, HOSO, strict base64, inner documents
``validate``   each inner table against its XSD (libxml2 on the happy path; xmlschema only to explain)
``normalize``  validated text to typed Arrow columns, with lineage
``process``    the stages composed: :func:`~pipelines.decide.process.process_file` never raises

May import: ``pipelines.standard``, ``pipelines.common``.
"""
