// The UploadWorker module; see docs/ARCHITECTURE.md.
