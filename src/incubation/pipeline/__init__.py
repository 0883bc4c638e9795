"""Pipeline: the nightly stages as plain functions, their metering and the run lock."""
