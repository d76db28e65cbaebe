"""The pure billing core: money, periods, contracts, invoicing. No Dagster and no I/O here."""
