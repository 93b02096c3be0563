import Synchronization
import Testing
import CPUIDProbe
@testable import PVFoundations
import Rendering
import XenInterface
import XenStore
import XenSystem
import XenSystemTesting

/// The grant-table self-test against the recording fake: bytes cross both ways through the
/// two mappings, and every grant, gntdev mapping, page mapping and descriptor is released
/// whatever failed.
struct GrantTableSelfTestTests {
    let dom0 = SelfDomain(id: 0, source: .controlDomain)

    @Test func passesAndReleasesEverything() {
        let fake = RecordingXenDevices()
        let report = GrantTableSelfTest(system: fake, domain: dom0).run()
        #expect(report.passed)
        #expect(report.grantReference == 8)
        #expect(report.proof == .mapping && report.mappingNotUsed == nil)
        #expect(report.mapped && report.forward && report.backward && report.released)
        #expect(fake.everythingReleased)
        // The mapping goes before the grant; the descriptors last.
        let order = fake.calls.map(\.operation).filter { [.unmapGrant, .deallocateGrant, .close].contains($0) }
        #expect(order == [.unmapGrant, .deallocateGrant, .close, .close])
        #expect(fake.calls(.mapGrant).map(\.subject) == ["ref 8 of domain 0"])
        #expect(report.line == "grant-table selftest: passed: grant 8 of domain 0 (capabilities) mapped back through gntdev; bytes cross both ways; unmapped and deallocated")
    }

    @Test func grantForAnotherDomainIsNotMapped() {
        let fake = RecordingXenDevices()
        fake.domainID = 3
        let report = GrantTableSelfTest(system: fake, domain: dom0).run()
        #expect(report.failure == .refused(operation: "mapPage", errno: .invalidArgument))
        #expect(fake.everythingReleased)
    }

    /// Xen or the kernel refusing the mapping of one's own grant: named, the gntdev reference
    /// and the grant both released.
    @Test func refusedSelfMapIsNamedAndReleases() {
        let fake = RecordingXenDevices()
        fake.refuseSelfMap = .notPermitted
        let report = GrantTableSelfTest(system: fake, domain: dom0).run()
        #expect(report.failure == .refused(operation: "mapPage", errno: .notPermitted))
        #expect(report.failure?.errnoName == "EPERM")
        #expect(!report.mapped)
        #expect(fake.calls(.unmapGrant).count == 1 && fake.calls(.deallocateGrant).count == 1)
        #expect(fake.everythingReleased)
    }

    @Test func bytesThatDoNotCrossFail() {
        let fake = RecordingXenDevices()
        fake.corruptMapping = true
        let report = GrantTableSelfTest(system: fake, domain: dom0).run()
        guard case .roundTripFailed = report.failure else { Issue.record("\(String(describing: report.failure))"); return }
        #expect(!report.forward)
        #expect(fake.everythingReleased)
    }

    @Test(arguments: [(XenDevice.grantAllocator, [XenDevice.grantMapper.path, XenDevice.eventChannel.path]),
                      (XenDevice.grantMapper, [XenDevice.grantAllocator.path, XenDevice.eventChannel.path])])
    func moduleNotLoaded(_ missing: XenDevice, _ present: [String]) {
        let fake = RecordingXenDevices()
        fake.present = Set(present)
        let report = GrantTableSelfTest(system: fake, domain: dom0).run()
        #expect(report.failure == .moduleNotLoaded(missing))
        #expect(fake.everythingReleased)
    }

    @Test func unknownDomainAfterTheDevices() {
        let fake = RecordingXenDevices()
        let report = GrantTableSelfTest(system: fake, domain: nil).run()
        #expect(report.failure == .domainUnknown)
        #expect(fake.calls(.allocateGrant).isEmpty)
        #expect(fake.everythingReleased)
        fake.present = []
        #expect(GrantTableSelfTest(system: fake, domain: nil).run().failure == .moduleNotLoaded(.grantAllocator))
    }

    @Test(arguments: [RecordingXenDevices.Operation.allocateGrant, .mapGrant, .mapPage])
    func refusedStepsRelease(_ op: RecordingXenDevices.Operation) {
        let fake = RecordingXenDevices()
        fake.fail(op, with: Errno(rawValue: 28))  // ENOSPC
        let report = GrantTableSelfTest(system: fake, domain: dom0).run()
        #expect(report.failure == .refused(operation: op.rawValue, errno: Errno(rawValue: 28)))
        #expect(report.failure?.errnoName == "ENOSPC")
        #expect(fake.everythingReleased)
    }

    @Test(arguments: [RecordingXenDevices.Operation.allocateGrant, .mapGrant, .mapPage])
    func interruptedReleasesEverything(_ op: RecordingXenDevices.Operation) {
        let fake = RecordingXenDevices()
        fake.signal(2, after: op)
        let report = GrantTableSelfTest(system: fake, domain: dom0).run()
        #expect(report.failure == .interrupted(signal: 2))
        #expect(fake.everythingReleased)
    }

    @Test func failedReleaseIsReportedAndTheRestReleased() {
        let fake = RecordingXenDevices()
        fake.fail(.unmapGrant, with: .invalidArgument)
        let report = GrantTableSelfTest(system: fake, domain: dom0).run()
        #expect(report.failure == .refused(operation: "unmapGrant", errno: .invalidArgument))
        #expect(fake.allocatedGrants.isEmpty && fake.mappedPages.isEmpty && fake.openDescriptors.isEmpty)
    }

    @Test func json() {
        let report = GrantTableSelfTest(system: RecordingXenDevices(), domain: SelfDomain(id: 7, source: .hvmCPUIDLeaf)).run()
        guard case .object(let fields) = report.json else { Issue.record("not an object"); return }
        #expect(fields.map(\.0) == ["test", "passed", "verdict", "errno", "message", "proof", "mappingNotUsed", "domain",
                                    "domainSource", "grantReference", "secondGrantReference", "mapped", "forward", "backward",
                                    "released"])
        #expect(fields[5].1 == .string("mapping") && fields[6].1 == .null)
        #expect(fields[7].1 == .int(7) && fields[8].1 == .string("cpuid"))
    }
}

/// Where this domain's id comes from: Xen's HVM leaf, else the control domain's capabilities.
struct SelfDomainTests {
    struct Table: CPUIDSource {
        var leaves: [UInt32: CPUIDRegisters]
        var name: String { "table" }
        func cpuid(leaf: UInt32, subleaf: UInt32) throws(CPUIDSourceError) -> CPUIDRegisters {
            leaves[leaf] ?? CPUIDRegisters(eax: 0, ebx: 0, ecx: 0, edx: 0)
        }
    }
    // "XenVMMXenVMM" in EBX, ECX, EDX of 0x40000000 (public/arch-x86/cpuid.h).
    static func xen(hvm: CPUIDRegisters) -> Table {
        Table(leaves: [0x4000_0000: CPUIDRegisters(eax: 0x4000_0005, ebx: 0x566e_6558, ecx: 0x6558_4d4d, edx: 0x4d4d_566e),
                       0x4000_0001: CPUIDRegisters(eax: 0x0004_0011, ebx: 0, ecx: 0, edx: 0),
                       0x4000_0004: hvm])
    }

    @Test func fromTheHVMLeaf() {
        let cpu = Self.xen(hvm: CPUIDRegisters(eax: 1 << 4, ebx: 0, ecx: 3, edx: 0))  // XEN_HVM_CPUID_DOMID_PRESENT
        #expect(SelfDomain.resolve(system: RecordingSystem(), cpuid: cpu) == SelfDomain(id: 3, source: .hvmCPUIDLeaf))
    }

    @Test func fromTheControlDomainsCapabilities() {
        let system = RecordingSystem()
        system.addFile(SelfDomain.capabilitiesPath, "control_d\n")
        let cpu = Self.xen(hvm: CPUIDRegisters(eax: 0, ebx: 0, ecx: 9, edx: 0))  // no DOMID_PRESENT: ECX means nothing
        #expect(SelfDomain.resolve(system: system, cpuid: cpu) == SelfDomain(id: 0, source: .controlDomain))
    }

    /// xenstore's `domid` node, read only when neither of the first two sources answers.
    final class Nodes: XenStoreReading, Sendable {
        let nodes: [String: String]
        let reads: Mutex<[String]> = Mutex([])
        init(nodes: [String: String]) { self.nodes = nodes }
        func read(_ path: String) throws(XenStoreError) -> String? {
            reads.withLock { $0.append(path) }
            if path == "fail" { throw XenStoreError.noAnswer(milliseconds: 1) }
            return nodes[path]
        }
    }

    @Test func unknownInAPVDomUWithoutXenstore() {
        let system = RecordingSystem()
        system.addFile(SelfDomain.capabilitiesPath, "\n")
        #expect(SelfDomain.resolve(system: system, cpuid: Table(leaves: [:])) == nil)
    }

    @Test func fromXenstoreInAPVDomU() {
        let system = RecordingSystem()
        system.addFile(SelfDomain.capabilitiesPath, "\n")
        let xenstore = Nodes(nodes: ["domid": "5"])
        #expect(SelfDomain.resolve(system: system, cpuid: Table(leaves: [:])) { xenstore } == SelfDomain(id: 5, source: .xenstore))
        #expect(xenstore.reads.withLock { $0 } == ["domid"])
        // No node, a value that is no domid, or no answer: unknown.
        for nodes in [[:], ["domid": "x"], ["domid": "70000"]] {
            #expect(SelfDomain.resolve(system: system, cpuid: Table(leaves: [:])) { Nodes(nodes: nodes) } == nil)
        }
    }

    @Test func xenstoreIsNotOpenedWhenCPUIDAnswers() {
        let cpu = Self.xen(hvm: CPUIDRegisters(eax: 1 << 4, ebx: 0, ecx: 3, edx: 0))
        var opened = false
        #expect(SelfDomain.resolve(system: RecordingSystem(), cpuid: cpu) { opened = true; return nil } == SelfDomain(id: 3, source: .hvmCPUIDLeaf))
        #expect(!opened)
    }
}

/// The contexts where this project refuses the grant self-test (this project's policy, seen in the stage).
struct GrantTableRefusalTests {
    @Test func refusedInAPVHDom0Only() {
        let dom0 = SelfDomain(id: 0, source: .hvmCPUIDLeaf)
        #expect(GrantTableSelfTest.unsafeReason(guestType: "PVH", domain: dom0) != nil)
        #expect(GrantTableSelfTest.unsafeReason(guestType: "PV", domain: SelfDomain(id: 0, source: .controlDomain)) == nil)
        #expect(GrantTableSelfTest.unsafeReason(guestType: "PVH", domain: SelfDomain(id: 1, source: .hvmCPUIDLeaf)) != nil)
        #expect(GrantTableSelfTest.unsafeReason(guestType: "HVM", domain: SelfDomain(id: 2, source: .hvmCPUIDLeaf)) != nil)
        #expect(GrantTableSelfTest.unsafeReason(guestType: nil, domain: nil) == nil)
    }
}

/// The copy proof (HVM and PVH guests, and wherever the mapping is refused): two grants, Xen
/// copying each into the other through privcmd, everything released whatever failed.
struct GrantTableCopyProofTests {
    let domain = SelfDomain(id: 3, source: .hvmCPUIDLeaf)

    func hvm() -> RecordingXenDevices {
        let fake = RecordingXenDevices()
        fake.domainID = 3
        fake.files = [GrantTableSelfTest.guestTypePath: Array("HVM\n".utf8)]
        return fake
    }

    @Test func passesInAnHVMGuestWithoutMappingAndReleases() {
        let fake = hvm()
        let privcmd = SimulatedGrantCopy.privcmd(for: fake, caller: 3)
        let report = GrantTableSelfTest(system: fake, domain: domain, hypercalls: privcmd).run()
        #expect(report.passed, "\(String(describing: report.failure))")
        #expect(report.proof == .copy && report.grantReference == 8 && report.secondGrantReference == 9)
        #expect(report.forward && report.backward && report.released && !report.mapped)
        #expect(report.mappingNotUsed?.hasPrefix("not tried: mapping its own grant in an HVM or PVH guest") == true)
        #expect(fake.calls(.mapGrant).isEmpty && fake.calls.allSatisfy { $0.subject != XenDevice.grantMapper.path })
        #expect(fake.everythingReleased)
        // Two copies, each of one entry, through grant_table_op; the buffers released.
        let copies = privcmd.calls.filter { if case .hypercall(let op, let a) = $0 { op == 20 && a.first == UInt64(GNTTABOP.copy) } else { false } }
        #expect(copies.count == 2)
        #expect(privcmd.unmapCount == 2)
        #expect(report.line.hasPrefix("grant-table selftest: passed: Xen copied between grants 8 and 9 of domain 3 (cpuid) both ways (GNTTABOP_copy; mapping not tried: "))
        #expect(report.line.hasSuffix("); deallocated"))
    }

    @Test func withoutPrivcmdTheHVMGuestIsStillRefusedAndNothingOpens() {
        let fake = hvm()
        let report = GrantTableSelfTest(system: fake, domain: domain).run()
        guard case .unsafeHere = report.failure else { Issue.record("\(String(describing: report.failure))"); return }
        #expect(fake.calls.isEmpty)
    }

    /// A PV guest whose mapping of its own grant is refused: named, released, and the copy stands in.
    @Test func refusedMappingFallsBackToTheCopy() {
        let fake = RecordingXenDevices()
        fake.domainID = 3
        fake.refuseSelfMap = .notPermitted
        let report = GrantTableSelfTest(system: fake, domain: domain, hypercalls: SimulatedGrantCopy.privcmd(for: fake, caller: 3)).run()
        #expect(report.passed, "\(String(describing: report.failure))")
        #expect(report.proof == .copy && report.mappingNotUsed == "refused: mapPage refused: EPERM (\(Errno.notPermitted))")
        #expect(report.grantReference == 9 && report.secondGrantReference == 10)
        #expect(fake.calls(.unmapGrant).count == 1 && fake.calls(.deallocateGrant).count == 3)
        #expect(fake.everythingReleased)
    }

    @Test func xenRefusingTheCopyIsNamedAndReleases() {
        let fake = hvm()
        let report = GrantTableSelfTest(system: fake, domain: domain,
                                        hypercalls: SimulatedGrantCopy.privcmd(for: fake, caller: 3, status: .permission_denied)).run()
        #expect(report.failure == .grantRefused(operation: "GNTTABOP_copy of grant 8 to grant 9", status: .permission_denied))
        #expect(report.failure?.description == "GNTTABOP_copy of grant 8 to grant 9 refused by Xen: GNTST_permission_denied (-8): Not enough privilege for operation")
        #expect(report.failure?.verdict == "refused" && report.failure?.kind == .system)
        #expect(fake.everythingReleased)
    }

    /// Grants made for another domain than the caller: the simulated Xen refuses as the real one.
    @Test func grantsOfAnotherDomainAreRefusedByXen() {
        let fake = hvm()
        let report = GrantTableSelfTest(system: fake, domain: domain, hypercalls: SimulatedGrantCopy.privcmd(for: fake, caller: 4)).run()
        #expect(report.failure == .grantRefused(operation: "GNTTABOP_copy of grant 8 to grant 9", status: .permission_denied))
        #expect(fake.everythingReleased)
    }

    @Test func aBlockedPrivcmdIsRefusedWithItsErrno() {
        let fake = hvm()
        let report = GrantTableSelfTest(system: fake, domain: domain, hypercalls: SimulatedGrantCopy.privcmd(for: fake, caller: 3, rc: -1)).run()
        guard case .refused(let operation, let errno) = report.failure else { Issue.record("\(String(describing: report.failure))"); return }
        #expect(errno == .notPermitted && operation.hasPrefix("GNTTABOP_copy of grant 8 to grant 9 (the kernel blocks hypercalls"))
        #expect(report.failure?.description.contains("modprobe xen-privcmd unrestricted=1") == true)
        // Xen's own EPERM (XENVER_version still answered) carries no such advice.
        let xen = SimulatedGrantCopy.privcmd(for: fake, caller: 3, status: .okay)
        let xenVersion = UInt64(HypercallNumber.xen_version.rawValue), grantTableOp = UInt64(HypercallNumber.grant_table_op.rawValue)
        xen.hypervisor = { op, _, _, _ in op == xenVersion ? 0x4_0011 : op == grantTableOp ? -1 : -38 }
        let own = GrantTableSelfTest(system: fake, domain: domain, hypercalls: xen).run()
        #expect(own.failure == .refused(operation: "GNTTABOP_copy of grant 10 to grant 11", errno: .notPermitted))
        #expect(fake.everythingReleased)
    }

    @Test func bytesXenDidNotCopyFail() {
        let fake = hvm()
        let report = GrantTableSelfTest(system: fake, domain: domain, hypercalls: SimulatedGrantCopy.privcmd(for: fake, caller: 3, copies: false)).run()
        #expect(report.failure == .roundTripFailed("grant 9 does not show the bytes Xen copied from grant 8"))
        #expect(report.failure?.verification == .failed(report.failure!.description))
        #expect(fake.everythingReleased)
    }

    @Test func noPrivcmdIsTheModuleNotLoaded() {
        let fake = hvm()
        let privcmd = SimulatedGrantCopy.privcmd(for: fake, caller: 3)
        privcmd.devices.remove(XenDevice.privcmd.path)
        let report = GrantTableSelfTest(system: fake, domain: domain, hypercalls: privcmd).run()
        #expect(report.failure == .moduleNotLoaded(.privcmd))
        #expect(report.failure?.description == "/dev/xen/privcmd is absent: the xen-privcmd module is not loaded (modprobe xen-privcmd)")
        #expect(fake.everythingReleased)
        privcmd.devices.insert(XenDevice.privcmd.path)
        privcmd.openErrors = [XenDevice.privcmd.path: .permissionDenied]
        #expect(GrantTableSelfTest(system: fake, domain: domain, hypercalls: privcmd).run().failure == .noPermission(.privcmd, .permissionDenied))
    }

    @Test(arguments: [1, 2])
    func interruptedAfterEitherGrantReleasesEverything(_ count: Int) {
        let fake = hvm()
        fake.signal(15, after: .allocateGrant, count: count)
        let report = GrantTableSelfTest(system: fake, domain: domain, hypercalls: SimulatedGrantCopy.privcmd(for: fake, caller: 3)).run()
        #expect(report.failure == .interrupted(signal: 15))
        #expect(fake.everythingReleased)
    }

    @Test func json() {
        let fake = hvm()
        let report = GrantTableSelfTest(system: fake, domain: domain, hypercalls: SimulatedGrantCopy.privcmd(for: fake, caller: 3)).run()
        guard case .object(let fields) = report.json else { Issue.record("not an object"); return }
        let values = Dictionary(fields, uniquingKeysWith: { a, _ in a })
        #expect(values["proof"] == .string("copy") && values["secondGrantReference"] == .int(9))
        #expect(values["forward"] == .bool(true) && values["backward"] == .bool(true) && values["mapped"] == .bool(false))
        guard case .string(let why)? = values["mappingNotUsed"] else { Issue.record("no mappingNotUsed"); return }
        #expect(why.hasPrefix("not tried: "))
    }
}
