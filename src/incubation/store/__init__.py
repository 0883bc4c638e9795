"""Store: the ledger, raw tables, the warehouse build and publish, archive and quarantine."""
