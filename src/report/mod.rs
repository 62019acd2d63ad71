//! Views that print: the table and dashboard reports, JSON, export, quick stats.
