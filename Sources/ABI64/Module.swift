// ABI64: see Package.swift for this module's job.
