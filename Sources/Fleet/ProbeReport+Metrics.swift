import CPUIDProbe

/// One metric family of the exposition format: HELP, TYPE (gauge: every value here is a level,
/// none a counter of this process's lifetime), then its samples.
package struct MetricFamily: Equatable, Sendable {
    package let name: String
    package let help: String
    package let samples: [(labels: [(String, String)], value: String)]

    package init(name: String, help: String, samples: [(labels: [(String, String)], value: String)]) {
        self.name = name; self.help = help; self.samples = samples
    }

    package static func == (a: MetricFamily, b: MetricFamily) -> Bool {
        a.name == b.name && a.help == b.help && a.samples.count == b.samples.count
            && zip(a.samples, b.samples).allSatisfy { x, y in
                x.value == y.value && x.labels.map(\.0) == y.labels.map(\.0) && x.labels.map(\.1) == y.labels.map(\.1)
            }
    }

    /// The family as exposition text (Prometheus text format 0.0.4): no timestamps.
    package var text: String {
        var out = "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
        for s in samples {
            let labels = s.labels.isEmpty ? ""
                : "{" + s.labels.map { "\($0.0)=\"\(MetricFamily.escaped($0.1))\"" }.joined(separator: ",") + "}"
            out += "\(name)\(labels) \(s.value)\n"
        }
        return out
    }

    /// Label values escape backslash, double quote and newline (the exposition format's rule).
    static func escaped(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}

extension ProbeReport {
    /// node_exporter textfile-collector metrics of this report (README, "Metrics"). Labels come
    /// from closed sets (context, domain, hypervisor name, view, position in the stack) plus the
    /// Xen and tool versions; numbers are plain gauges. `now` is the run's Unix time.
    package func metricFamilies(toolVersion: String, now: Int) -> [MetricFamily] {
        var families: [MetricFamily] = [
            MetricFamily(name: "xen_detect_build_info", help: "The xen-detect that wrote these metrics (value 1).",
                         samples: [([("version", toolVersion)], "1")]),
            MetricFamily(name: "xen_detect_xen_detected", help: "1 when xen-detect's decision found Xen, else 0.",
                         samples: [([], xenDetected ? "1" : "0")]),
        ]
        if xenDetected {
            let ctx = context.map { $0.rawValue.lowercased() } ?? "unknown"
            families.append(MetricFamily(
                name: "xen_detect_xen_info",
                help: "Xen as decided (value 1): context pv|hvm|pvh, domain dom0|domU|unknown, version major.minor.",
                samples: [([("context", ctx), ("domain", domain?.rawValue ?? "unknown"),
                            ("version", version.map { "\($0.major).\($0.minor)" } ?? "unknown")], "1")]))
        }
        families.append(MetricFamily(
            name: "xen_detect_hypervisor_info",
            help: "Each hypervisor in the stack, in leaf order (value 1): name, position from 0, view cpuid|forcedEmulation.",
            samples: stackWithViews.enumerated().map { i, e in
                ([("name", e.range.name), ("position", String(i)), ("view", e.view)], "1")
            }))
        if let xen {
            families.append(MetricFamily(name: "xen_detect_xen_leaf_base", help: "The first CPUID leaf of Xen's range.",
                                         samples: [([], String(xen.range.leafBase))]))
        }
        if let id = xen?.hvm?.domainID {
            families.append(MetricFamily(name: "xen_detect_xen_domain_id", help: "The domain id CPUID leaf base+4 reports.",
                                         samples: [([], String(id))]))
        }
        families.append(MetricFamily(name: "xen_detect_cpuid_executions",
                                     help: "CPUID instructions the last run executed (each a VM exit in a guest).",
                                     samples: [([], String(cpuidExecutions))]))
        families.append(MetricFamily(name: "xen_detect_last_run_timestamp_seconds",
                                     help: "Unix time of the run that wrote these metrics.",
                                     samples: [([], String(now))]))
        return families
    }

    /// The exposition text of `metricFamilies`.
    package func metricsText(toolVersion: String, now: Int) -> String {
        metricFamilies(toolVersion: toolVersion, now: now).filter { !$0.samples.isEmpty }.map(\.text).joined()
    }
}
