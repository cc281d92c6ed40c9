"""Helpers shared by the tests: a real sshd on loopback, a warehouse built by the real ingest."""
