import CPUIDProbe
import Fleet
import Foundation
import PVExtensions
import Testing

/// What the Xen stage recorded in each real environment (scripts/xen-stage/checks/50-fleet.sh,
/// `run.sh --record`): `Fixtures/<where>.facts.json` and `.metrics.prom`, recorded in the same
/// boot as that environment's CPUID and sysfs fixtures in Tests/CPUIDProbeTests/Fixtures.
@Suite struct RecordedFleetTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Recorded on Xen 4.17 and plain Linux (2026-12-02, `XS_XEN_RELEASES=4.17 --env all --record
    /// --check fleet,record`), and on Xen 4.20 (2026-12-02, `XS_XEN_RELEASES=4.20 --env
    /// pv-dom0,pvh-dom0,domu --record --check fleet,record`: its two dom0s and six domUs, the
    /// I/O domUs included, which 4.17's first recording did not run 50-fleet.sh in); 4.17's I/O
    /// domUs later (2026-12-02, `XS_XEN_RELEASES=4.17 --env hvm-pvio-domu,hvm-emulated-domu
    /// --record --check fleet,record`).
    static let environments = [
        "xen-4.17-pv-dom0", "xen-4.17-pvh-dom0", "xen-4.17-pv-domu", "xen-4.17-pvh-domu",
        "xen-4.17-hvm-domu", "xen-4.17-hvm-viridian-domu", "xen-4.17-hvm-pvio-domu", "xen-4.17-hvm-emulated-domu",
        "qemu-tcg-linux",
        "xen-4.20-pv-dom0", "xen-4.20-pvh-dom0", "xen-4.20-pv-domu", "xen-4.20-pvh-domu",
        "xen-4.20-hvm-domu", "xen-4.20-hvm-viridian-domu", "xen-4.20-hvm-pvio-domu", "xen-4.20-hvm-emulated-domu",
    ]

    /// The recordings made by 0.6.0, whose facts carry the I/O decision (`io`): Xen 4.20's, and
    /// 4.17's I/O domUs.
    static let withIODecision = environments.filter {
        $0.hasPrefix("xen-4.20-") || $0.hasSuffix("-hvm-pvio-domu") || $0.hasSuffix("-hvm-emulated-domu")
    }

    /// A recording; a missing one fails, naming the stage run that records it.
    static func recorded(_ name: String) throws -> String {
        let url = fixtures.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            Issue.record("""
                \(name) is not recorded: flock /tmp/xen-stage.lock env XS_NO_BUILD=1 \
                bash scripts/xen-stage/run.sh --env all --record --check fleet,record
                """)
            throw CocoaError(.fileNoSuchFile)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The value at a dotted path; JSON null and an absent key are both nil.
    static func value(_ o: [String: Any], _ path: String) -> Any? {
        var current: Any? = o
        for key in path.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
        return current is NSNull ? nil : current
    }

    /// True when the key at a dotted path is present with the value null (the schema's "absent").
    static func isNull(_ o: [String: Any], _ path: String) -> Bool {
        let parts = path.split(separator: ".").map(String.init)
        var current: Any? = o
        for key in parts.dropLast() { current = (current as? [String: Any])?[key] }
        return (current as? [String: Any])?[parts.last!] is NSNull
    }

    /// Equal as JSON: both rendered canonically (sorted keys); nil is JSON null.
    static func same(_ a: Any?, _ b: Any?) -> Bool {
        func canonical(_ v: Any?) -> String? {
            guard let data = try? JSONSerialization.data(withJSONObject: v ?? NSNull(), options: [.sortedKeys, .fragmentsAllowed])
            else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
        guard let x = canonical(a), let y = canonical(b) else { return false }
        return x == y
    }

    /// The recorded document is what this tree renders from the same boot's CPUID and sysfs
    /// recordings: the same decision, context, domain, stack and vocabularies.
    @Test(arguments: environments)
    func factsRenderTheSameDecision(environment: String) throws {
        let recorded = try Self.object(try Self.recorded(environment + ".facts.json"))
        let report = try Recorded.live(environment)
        let identity = GuestIdentity(read: true, uuid: Self.value(recorded, "identity.uuid") as? String)
        let toolVersion = try #require(Self.value(recorded, "tool.version") as? String)
        let rendered = try Self.object(report.facts(identity: identity, toolVersion: toolVersion).rendered)
        #expect(Self.same(Self.value(recorded, "schemaVersion"), 1))
        for key in ["xen", "stack", "stackNames", "vocabularies", "identity.domainId", "tool"] {
            var r = Self.value(recorded, key), o = Self.value(rendered, key)
            // Plain Linux: the live guest decided from its empty /sys/hypervisor, which the sysfs
            // recording ("# no files") cannot reproduce; the replay decides at the forced-emulation
            // step. Everything else of `xen` must still match.
            if environment == "qemu-tcg-linux" && key == "xen" {
                r = (r as? [String: Any])?.filter { $0.key != "decidedBy" }
                o = (o as? [String: Any])?.filter { $0.key != "decidedBy" }
            }
            #expect(Self.same(r, o), "\(environment): \(key)")
        }
    }

    /// The UUID the guest reported is the one its sysfs recording holds; dom0's is the zero handle.
    @Test(arguments: environments)
    func identityUUID(environment: String) throws {
        let recorded = try Self.object(try Self.recorded(environment + ".facts.json"))
        let sysfs = GuestIdentity.read(try Recorded.system(environment))
        #expect(Self.same(Self.value(recorded, "identity.uuid"), sysfs.uuid), "\(environment)")
        if environment.hasSuffix("-dom0") {
            #expect(sysfs.uuid == "00000000-0000-0000-0000-000000000000")
        }
        #expect(Self.same(Self.value(recorded, "identity.read"), true))
    }

    /// DMI: an HVM domU has exactly what hvmloader writes (tools/firmware/hvmloader/smbios.c:
    /// "Xen", "HVM domU", and its version string, XENVER_version's major.minor + extraversion,
    /// as product and BIOS version); PV and PVH domUs have none, and say why.
    @Test(arguments: environments.filter { $0.hasSuffix("-domu") })
    func domUDMI(environment: String) throws {
        let recorded = try Self.object(try Self.recorded(environment + ".facts.json"))
        let s = try Recorded.system(environment)
        func sys(_ p: String) -> String? { s.readLine("/sys/hypervisor/version/" + p) }
        if environment.contains("-hvm") {
            let version = "\(sys("major") ?? "?").\(sys("minor") ?? "?")\(sys("extra") ?? "")"
            #expect(Self.same(Self.value(recorded, "identity.dmi.sysVendor"), "Xen"))
            #expect(Self.same(Self.value(recorded, "identity.dmi.productName"), "HVM domU"))
            #expect(Self.same(Self.value(recorded, "identity.dmi.productVersion"), version))
            #expect(Self.same(Self.value(recorded, "identity.dmi.biosVersion"), version))
            #expect(Self.isNull(recorded, "identity.dmiAbsent"))
        } else {
            #expect(Self.isNull(recorded, "identity.dmi"))
            #expect(Self.same(Self.value(recorded, "identity.dmiAbsent"), GuestIdentity.DMIAbsence.noFirmwareTables.rawValue))
        }
    }

    /// The recorded vocabularies are the table's row of the same environment (VocabulariesTests.live).
    @Test(arguments: environments.filter { $0.hasPrefix("xen-") })
    func vocabulariesAsExpected(environment: String) throws {
        let recorded = try Self.object(try Self.recorded(environment + ".facts.json"))
        let e = try #require(VocabulariesTests.live.first { $0.environment == environment })
        #expect(Self.same(Self.value(recorded, "stackNames"), e.stack))
        #expect(Self.same(Self.value(recorded, "vocabularies.systemdDetectVirt"), e.systemd))
        #expect(Self.same(Self.value(recorded, "vocabularies.facter.virtual"), e.facterVirtual))
        #expect(Self.same(Self.value(recorded, "vocabularies.facter.hypervisorsXen.context"), e.facterContext))
        #expect(Self.same(Self.value(recorded, "vocabularies.facter.hypervisorsXen.privileged"), e.privileged))
        #expect(Self.same(Self.value(recorded, "vocabularies.ansible.virtualization_role"), e.ansibleRole))
        #expect(Self.same(Self.value(recorded, "vocabularies.ansible.virtualization_tech_guest"), e.techGuest))
        #expect(Self.same(Self.value(recorded, "vocabularies.ansible.virtualization_tech_host"), e.techHost))
    }

    /// The recorded metrics are what this tree renders from the same boot's recordings, with the
    /// recorded run's time and tool version (the only values not decided from the report).
    /// Recordings made since 0.6.0 (`withIODecision`) end with the I/O decision's families (`FleetIO`),
    /// decided from devices the sysfs recording does not hold: they must render the `io` member of
    /// the facts document recorded in the same boot (one decision, two renderings).
    @Test(arguments: environments)
    func metricsRenderTheSameDecision(environment: String) throws {
        let text = try Self.recorded(environment + ".metrics.prom")
        func sample(_ name: String) -> String? {
            text.split(separator: "\n").first { $0.hasPrefix(name + " ") || $0.hasPrefix(name + "{") }.map(String.init)
        }
        let now = try #require(sample("xen_detect_last_run_timestamp_seconds").flatMap { Int($0.split(separator: " ")[1]) })
        let version = try #require(sample("xen_detect_build_info").flatMap { line in
            line.split(separator: "\"").dropFirst().first.map(String.init)
        })
        let facts = try Self.object(try Self.recorded(environment + ".facts.json"))
        var io = ""
        if let verdict = Self.value(facts, "io.verdict") as? String {
            let inUse = try #require(Self.value(facts, "io.extensionsInUse") as? [String])
            io = FleetIO(verdict: verdict, extensionsInUse: inUse).metricsText
        }
        let rendered = try Recorded.live(environment).metricsText(toolVersion: version, now: now)
        #expect(rendered + io == text, "\(environment)")
    }

    /// The I/O decision the 0.6.0 recordings carry (`io`): the I/O domUs' disk as the stage's xl
    /// config gives it (docs/domu.md, "PV and emulated I/O") -- xen-blkfront's in hvm-pvio-domu,
    /// the PIIX IDE controller's in hvm-emulated-domu (xen_emul_unplug=never) --, and in the
    /// others no disk or NIC at all (the stage's guests have none).
    @Test(arguments: withIODecision)
    func ioDecision(environment: String) throws {
        let facts = try Self.object(try Self.recorded(environment + ".facts.json"))
        let said = try #require(Self.value(facts, "io.verdict") as? String, "\(environment): no io.verdict")
        let verdict = try #require(IOVerdict(rawValue: said), "\(environment): unknown verdict \(said)")
        let names = try #require(Self.value(facts, "io.extensionsInUse") as? [String])
        let inUse = try names.map { try #require(PVExtensionName(rawValue: $0), "\(environment): unknown extension \($0)") }
        switch environment {
        case _ where environment.hasSuffix("-hvm-pvio-domu"):
            #expect(verdict == .pvOnHVM)
            #expect(inUse.contains(.pvBlock))
        case _ where environment.hasSuffix("-hvm-emulated-domu"):
            #expect(verdict == .emulated)
            #expect(!inUse.contains(.pvBlock))
        default:
            #expect(verdict == IOVerdict.none, "\(environment)")
            #expect(!inUse.contains(.pvBlock), "\(environment)")
        }
    }
}
