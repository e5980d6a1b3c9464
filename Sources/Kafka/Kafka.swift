// The Kafka module; see docs/ARCHITECTURE.md.
