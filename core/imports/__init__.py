"""Tabular imports: read a spreadsheet, validate every row, then write all or nothing."""
