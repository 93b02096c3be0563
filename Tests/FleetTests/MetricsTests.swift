import CPUIDProbe
import Fleet
import Testing

@Suite struct MetricsTests {
    static let environments = ["xen-4.17-pv-dom0", "xen-4.17-pvh-dom0", "xen-4.17-pvh-domu", "xen-4.17-pv-domu",
                               "xen-4.17-hvm-domu", "xen-4.17-hvm-viridian-domu"]

    /// HELP and TYPE once before every family's samples; no sample has a timestamp (name, value only).
    @Test(arguments: environments)
    func expositionFormat(environment: String) throws {
        let text = try Recorded.live(environment).metricsText(toolVersion: "0.6.0", now: 1_796_000_000)
        #expect(text.hasSuffix("\n"))
        var helped: Set<String> = [], typed: Set<String> = []
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("# HELP ") { helped.insert(String(line.split(separator: " ")[2])); continue }
            if line.hasPrefix("# TYPE ") {
                let f = line.split(separator: " ")
                #expect(f.count == 4 && f[3] == "gauge")
                typed.insert(String(f[2])); continue
            }
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            #expect(helped.contains(name) && typed.contains(name), "\(name) has HELP and TYPE before its samples")
            let afterLabels = line.split(separator: "}").last.map(String.init) ?? line
            #expect(afterLabels.split(separator: " ").count == (line.contains("}") ? 1 : 2), "no timestamp: \(line)")
        }
    }

    @Test func pvDom0Series() throws {
        let text = try Recorded.live("xen-4.17-pv-dom0").metricsText(toolVersion: "0.6.0", now: 42)
        #expect(text.contains("xen_detect_xen_info{context=\"pv\",domain=\"dom0\",version=\"4.17\"} 1\n"))
        #expect(text.contains("xen_detect_hypervisor_info{name=\"xen\",position=\"0\",view=\"forcedEmulation\"} 1\n"))
        #expect(text.contains("xen_detect_hypervisor_info{name=\"qemu\",position=\"1\",view=\"cpuid\"} 1\n"))
        #expect(text.contains("xen_detect_xen_leaf_base 1073741824\n"))
        #expect(text.contains("xen_detect_last_run_timestamp_seconds 42\n"))
        #expect(text.contains("xen_detect_build_info{version=\"0.6.0\"} 1\n"))
        // PV has no CPUID domain id leaf: the gauge is left out, not invented.
        #expect(!text.contains("xen_detect_xen_domain_id"))
    }

    @Test func domainIdAndCPUIDExecutions() throws {
        let report = try Recorded.live("xen-4.17-hvm-viridian-domu")
        let text = report.metricsText(toolVersion: "0", now: 0)
        #expect(text.contains("xen_detect_xen_domain_id \(report.xen!.hvm!.domainID!)\n"))
        #expect(text.contains("xen_detect_cpuid_executions \(report.cpuidExecutions)\n"))
        #expect(text.contains("xen_detect_hypervisor_info{name=\"microsoft\",position=\"0\",view=\"cpuid\"} 1\n"))
        #expect(text.contains("xen_detect_xen_leaf_base 1073742080\n"))
    }

    /// Labels come from closed sets: every label value is one of a known, bounded list.
    @Test(arguments: environments)
    func closedLabelSets(environment: String) throws {
        let families = try Recorded.live(environment).metricFamilies(toolVersion: "0.6.0", now: 0)
        let names = Set(HypervisorVendor.allCases.map(\.rawValue) + ["unknown"])
        for f in families {
            for s in f.samples {
                for (k, v) in s.labels {
                    switch k {
                    case "context": #expect(["pv", "hvm", "pvh", "unknown"].contains(v))
                    case "domain": #expect(["dom0", "domU", "unknown"].contains(v))
                    case "name": #expect(names.contains(v))
                    case "view": #expect(["cpuid", "forcedEmulation"].contains(v))
                    case "position": #expect(Int(v).map { (0..<512).contains($0) } == true)
                    case "version": #expect(!v.isEmpty)
                    default: Issue.record("unexpected label \(k) on \(f.name)")
                    }
                }
            }
        }
    }

    @Test func notXenHasNoXenSeries() throws {
        let text = try Recorded.offline("kvm-epyc-host.cpuid").metricsText(toolVersion: "0", now: 0)
        #expect(text.contains("xen_detect_xen_detected 0\n"))
        #expect(!text.contains("xen_detect_xen_info"))
        #expect(text.contains("xen_detect_hypervisor_info{name=\"kvm\",position=\"0\",view=\"cpuid\"} 1\n"))
    }

    @Test func labelValuesAreEscaped() {
        let f = MetricFamily(name: "m", help: "h", samples: [([("version", "a\"b\\c\nd")], "1")])
        #expect(f.text == "# HELP m h\n# TYPE m gauge\nm{version=\"a\\\"b\\\\c\\nd\"} 1\n")
    }
}
