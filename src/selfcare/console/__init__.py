"""The operator console's services: the audit log, program versions and the operations
(quarantine corrections, resends) that the console's pages and the CLI call."""
