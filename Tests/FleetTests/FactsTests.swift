import CPUIDProbe
import Fleet
import Rendering
import Testing

@Suite struct FactsTests {
    func member(_ v: JSONValue, _ path: String...) -> JSONValue? {
        var current: JSONValue? = v
        for key in path {
            guard case .object(let members)? = current else { return nil }
            current = members.first { $0.0 == key }?.1
        }
        return current
    }

    /// The documented top-level keys, in order, for every recorded environment.
    @Test(arguments: ["xen-4.17-pv-dom0", "xen-4.17-pvh-domu", "xen-4.17-hvm-viridian-domu"])
    func documentedKeys(environment: String) throws {
        let report = try Recorded.live(environment)
        let facts = report.facts(identity: .notRead, toolVersion: "9.9.9")
        guard case .object(let members) = facts else { Issue.record("not an object"); return }
        #expect(members.map(\.0) == ["schemaVersion", "tool", "source", "xen", "stack", "stackNames", "identity",
                                     "vocabularies", "cpuidExecutions"])
        #expect(member(facts, "schemaVersion") == .number(1))
        #expect(member(facts, "tool", "version") == .string("9.9.9"))
        #expect(member(facts, "cpuidExecutions") == .number(report.cpuidExecutions))
    }

    /// Facts render the one decision: context, domain, stack and vocabularies are the report's.
    @Test func pvDom0RendersTheDecision() throws {
        let report = try Recorded.live("xen-4.17-pv-dom0")
        let facts = report.facts(identity: .notRead, toolVersion: "0")
        #expect(member(facts, "xen", "context") == .string("PV"))
        #expect(member(facts, "xen", "domain") == .string("dom0"))
        #expect(member(facts, "xen", "decidedBy") == .string(report.decision.decidedBy.rawValue))
        #expect(member(facts, "xen", "version") == .string("4.17"))
        #expect(member(facts, "xen", "versionExtra") == .string(".7"))
        #expect(member(facts, "stackNames") == .array([.string("xen"), .string("qemu")]))
        #expect(member(facts, "vocabularies", "facter", "virtual") == .string("xen0"))
        #expect(member(facts, "vocabularies", "facter", "hypervisorsXen", "privileged") == .bool(true))
        #expect(member(facts, "vocabularies", "systemdDetectVirt") == .string("qemu"))
        #expect(member(facts, "vocabularies", "ansible", "virtualization_role") == .string("host"))
        guard case .array(let stack)? = member(facts, "stack") else { Issue.record("no stack"); return }
        #expect(stack.map { member($0, "view") } == [.string("forcedEmulation"), .string("cpuid")])
        #expect(stack.map { member($0, "position") } == [.number(0), .number(1)])
    }

    @Test func facterWrapsTheDocument() throws {
        let report = try Recorded.live("xen-4.17-pvh-domu")
        let id = GuestIdentity(read: true, dmi: nil, uuid: "6aa3ed06-e90d-11f1-8ac3-fde7b9be67d2")
        let ansible = report.facts(format: .ansible, identity: id, toolVersion: "0")
        let facter = report.facts(format: .facter, identity: id, toolVersion: "0")
        #expect(facter == .object([("xen_detect", ansible)]))
        #expect(member(ansible, "identity", "uuid") == .string("6aa3ed06-e90d-11f1-8ac3-fde7b9be67d2"))
        #expect(member(ansible, "identity", "dmi") == .null)
        #expect(member(ansible, "identity", "dmiAbsent") == .string("noFirmwareTables"))
        #expect(member(ansible, "identity", "domainId") == .number(report.xen!.hvm!.domainID!))
    }

    @Test func identityDMIKeys() throws {
        let report = try Recorded.live("xen-4.17-hvm-domu")
        let id = GuestIdentity(read: true, dmi: .init(sysVendor: "Xen", productName: "HVM domU", productVersion: nil, biosVersion: "4.17.7"))
        let facts = report.facts(identity: id, toolVersion: "0")
        #expect(member(facts, "identity", "dmi") == .object([
            ("sysVendor", .string("Xen")), ("productName", .string("HVM domU")), ("productVersion", .null),
            ("biosVersion", .string("4.17.7")),
        ]))
        #expect(member(facts, "identity", "dmiAbsent") == .null)
        #expect(member(report.facts(identity: .notRead, toolVersion: "0"), "identity", "dmiAbsent") == .string("notRead"))
    }
}
