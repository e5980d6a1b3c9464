// The CloudflareImages module; see docs/ARCHITECTURE.md.
