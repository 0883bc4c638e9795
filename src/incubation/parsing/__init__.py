"""Parsing: a department file into typed canonical rows, sheet by sheet."""
