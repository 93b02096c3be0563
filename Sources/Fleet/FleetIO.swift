import Rendering

/// The hook for PVExtensions' I/O decision in the fleet's renderings: the verdict line and the
/// PV extensions in use, decided once by `ExtensionInventory` (the CLI passes them in), rendered
/// here as a fact (`io`) and as metrics (`xen_detect_io_info`, `xen_detect_pv_extension_in_use`).
package struct FleetIO: Sendable, Equatable {
    /// The verdict line ("I/O: PV-on-HVM", "I/O: emulated (ioemu)", "I/O: mixed", "PV", ...).
    package let verdict: String
    /// The names of the extensions in use ("pv-clock", "pv-block", ...).
    package let extensionsInUse: [String]

    package init(verdict: String, extensionsInUse: [String]) {
        self.verdict = verdict; self.extensionsInUse = extensionsInUse
    }

    /// The `io` fact: {"verdict": ..., "extensionsInUse": [...]}.
    package var json: JSONValue {
        .object([("verdict", .string(verdict)), ("extensionsInUse", .array(extensionsInUse.map(JSONValue.string)))])
    }

    /// The two metric families: the verdict as an info gauge, one sample per extension in use.
    package var metricFamilies: [MetricFamily] {
        [
            MetricFamily(name: "xen_detect_io_info", help: "The I/O verdict of xen-detect extensions (label verdict), always 1.",
                         samples: [([("verdict", verdict)], "1")]),
            MetricFamily(name: "xen_detect_pv_extension_in_use",
                         help: "1 for each PV extension the running kernel uses (xen-detect extensions).",
                         samples: extensionsInUse.map { ([("extension", $0)], "1") }),
        ]
    }

    /// The exposition text of `metricFamilies` (families without samples left out).
    package var metricsText: String { metricFamilies.filter { !$0.samples.isEmpty }.map(\.text).joined() }
}

extension JSONValue {
    /// This object with the `io` member appended (null when `io` is nil); for an envelope of
    /// one member (Facter's {"xen_detect": document}) inside that member's object.
    package func addingFleetIO(_ io: FleetIO?) -> JSONValue {
        guard case .object(var members) = self else { return self }
        if members.count == 1, case .object = members[0].1, members[0].0 == "xen_detect" {
            members[0].1 = members[0].1.addingFleetIO(io)
            return .object(members)
        }
        members.append(("io", io?.json ?? .null))
        return .object(members)
    }
}
