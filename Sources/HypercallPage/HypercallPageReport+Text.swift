import Rendering

// How a decoded page prints: a summary line, anomaly lines, a JSON object (keys in
// docs/hypercalls.md). Package-internal: the CLI renders, library users read the report's fields.

extension HypercallPageReport {
    /// `{"flavor","verified","entries","anomalies"}`.
    package func json(verified: Bool) -> JSONValue {
        .object([
            ("flavor", flavor.map { .string($0.rawValue) } ?? .null),
            ("verified", .bool(verified)),
            ("entries", .number(entries.count)),
            ("anomalies", .array(anomalies.map { .string($0.description) })),
        ])
    }

    /// "svm flavor, 128 entries, verified", with the expected flavor when it differs.
    package func summary(verified: Bool, expected: HypercallStubFlavor? = nil) -> String {
        var s = "\(flavor?.rawValue ?? "unknown") flavor, \(entries.count) entries, \(verified ? "verified" : "NOT verified")"
        if let expected, flavor != expected { s += " (expected \(expected.rawValue))" }
        return s
    }

    /// The anomalies, indented, at most `limit` of them and a count of the rest.
    package func anomalyLines(limit: Int) -> [String] {
        var lines = anomalies.prefix(max(0, limit)).map { "  \($0)" }
        if anomalies.count > limit { lines.append("  ... \(anomalies.count - limit) more") }
        return lines
    }
}
