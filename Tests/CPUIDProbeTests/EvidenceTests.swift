import CPUIDProbe
import Testing
import XenSystem
import XenSystemTesting

/// The report's evidence, on the real recordings: every verdict the report gives is fed by an
/// observation, and each observation says what the probe actually read.
@Suite struct EvidenceTests {
    static func fed(_ r: ProbeReport, _ verdict: Evidence.Verdict) -> [Evidence] { r.evidence.filter { $0.feeds.contains(verdict) } }

    /// The verdicts a report gives, each of which some row must feed.
    static func verdicts(_ r: ProbeReport) -> [Evidence.Verdict] {
        var v: [Evidence.Verdict] = [.detected]
        if r.context != nil { v.append(.context) }
        if r.domain != nil { v.append(.domain) }
        if r.version != nil { v.append(.version) }
        if !r.hypervisors.isEmpty { v.append(.stack) }
        return v
    }

    static let live: [(environment: String, plain: String, pv: String?)] = ["4.17", "4.20"].flatMap { release in [
        ("xen-\(release)-pvh-dom0", "xen-\(release)-pvh-dom0.cpuid", nil),
        ("xen-\(release)-pv-dom0", "xen-\(release)-pv-dom0.cpuid", "xen-\(release)-pv-dom0.leaves.pv.txt"),
    ] } + ["4.17", "4.20"].flatMap { release in
        ["pvh-domu", "pv-domu", "hvm-domu", "hvm-viridian-domu"].map { env in
            let name = "xen-\(release)-\(env)"
            return (name, name + ".cpuid", env == "pv-domu" ? name + ".leaves.pv.txt" : nil)
        }
    }

    static func report(_ e: (environment: String, plain: String, pv: String?)) throws -> ProbeReport {
        let pv: any CPUIDSource = try e.pv.map { try Fixture.source($0) } ?? FaultingSource()
        return try ProbeReport.probe(source: try Fixture.source(e.plain), pv: pv,
                                     system: try RecordedEnvironmentTests.system(e.environment + ".sysfs.txt"))
    }

    @Test(arguments: live.map(\.environment))
    func everyVerdictHasItsEvidence(environment: String) throws {
        let r = try Self.report(try #require(Self.live.first { $0.environment == environment }))
        for verdict in Self.verdicts(r) {
            #expect(!Self.fed(r, verdict).isEmpty, "\(environment): nothing feeds \(verdict)")
        }
        // sysfs decided (the kernel published guest_type): the context rows are sysfs rows.
        #expect(r.decision.decidedBy == .sysfs)
        #expect(Self.fed(r, .context).allSatisfy { $0.kind == .sysfs && $0.probe == "/sys/hypervisor/guest_type" })
        #expect(Self.fed(r, .context).first?.returned == "\"\(r.context?.rawValue ?? "")\"")
        // The domain: /proc/xen/capabilities as recorded, control_d exactly in dom0.
        let domain = try #require(Self.fed(r, .domain).first)
        #expect(domain.kind == .procfs && domain.probe == "/proc/xen/capabilities")
        #expect(domain.returned.contains("control_d") == (r.domain == .dom0))
        // Nothing here needs root (sysfs, procfs, the CPUID instruction).
        #expect(r.evidence.allSatisfy { !$0.needsRoot })
        // Each layer of the stack has its row.
        for layer in r.hypervisors {
            #expect(Self.fed(r, .stack).contains { $0.returned.hasPrefix("\"\(layer.signature)\"") })
        }
    }

    @Test func pvDom0ShowsTheForcedEmulationView() throws {
        let r = try Self.report(Self.live[1])
        let forced = r.evidence.filter { $0.kind == .forcedEmulation }
        #expect(forced.map(\.probe) == ["CPUID 0x40000000", "CPUID 0x40000001", "CPUID 0x40000002", "CPUID 0x40000004"])
        #expect(forced.first?.returned == "\"XenVMMXenVMM\", max leaf 0x40000005")
        #expect(forced.contains { $0.returned.contains("MMU_PT_UPDATE_PRESERVE_AD") })
        #expect(Self.fed(r, .version).map(\.probe) == ["CPUID 0x40000001"])
    }

    /// Offline, CPUID alone decides: the leaves, not sysfs, feed the context and the domain.
    @Test func offlineDumpIsDecidedByItsLeaves() throws {
        let r = try ProbeReport.probe(source: try Fixture.source("xen-4.17-pvh-domu.cpuid"), pv: nil, system: nil)
        #expect(r.decision.decidedBy == .cpuid && r.context == .hvm && r.domain == .domU)
        #expect(r.evidence.allSatisfy { $0.kind == .cpuid })
        #expect(Self.fed(r, .detected).map(\.probe) == ["CPUID 0x40000000"])
        #expect(Self.fed(r, .context).map(\.probe) == ["CPUID 0x40000001", "CPUID 0x40000002"])
        #expect(Self.fed(r, .domain).map(\.returned).first?.hasSuffix("domain id \(r.xen?.hvm?.domainID ?? 0)") == true)
    }

    /// Not Xen: the forced-emulation fault is why (the last step of xen-detect's decision).
    @Test func notXenOnTheDevelopmentMachine() throws {
        let r = try ProbeReport.probe(source: try Fixture.source("kvm-epyc-host.cpuid"), pv: FaultingSource(), system: RecordingSystem())
        #expect(!r.xenDetected)
        #expect(Self.fed(r, .detected).map(\.returned) == ["faulted (SIGILL): not a PV guest"])
        #expect(Self.fed(r, .stack).map(\.returned).last == "\"KVMKVMKVM\", max leaf 0x40000001")
        #expect(Self.fed(r, .context).isEmpty && Self.fed(r, .domain).isEmpty)
    }

    /// The kernel's /dev/cpu/N/cpuid needs root; its rows say so.
    @Test func devcpuRowsNeedRoot() throws {
        struct Named: CPUIDSource {
            let base: TableCPUID
            var name: String { "devcpu:0" }
            func cpuid(leaf: UInt32, subleaf: UInt32) throws(CPUIDSourceError) -> CPUIDRegisters { try base.cpuid(leaf: leaf, subleaf: subleaf) }
        }
        let r = try ProbeReport.probe(source: Named(base: try Fixture.source("xen-4.17-hvm-domu.cpuid")), pv: nil, system: nil)
        #expect(!r.evidence.isEmpty && r.evidence.allSatisfy { $0.needsRoot })
    }
}
