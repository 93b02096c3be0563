/// The toolkit's version (semantic versioning; below 1.0 the public API may still change between
/// minor versions). The one place it is written: CHANGELOG.md's top section and the API listings
/// in api/ name it, and scripts/api.sh --check fails when they disagree.
let toolkitVersion = "0.6.0"
