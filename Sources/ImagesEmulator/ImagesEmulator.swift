// The ImagesEmulator module; see docs/ARCHITECTURE.md.
