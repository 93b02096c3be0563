import Testing
import CPUIDProbe
@testable import PVFoundations
import Rendering
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
        #expect(report.mapped && report.granterToMapper && report.mapperToGranter && report.released)
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
        #expect(!report.granterToMapper)
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
        #expect(fields.map(\.0) == ["test", "passed", "verdict", "errno", "message", "proof", "domain", "domainSource",
                                    "grantReference", "mapped", "granterToMapper", "mapperToGranter", "released"])
        #expect(fields[6].1 == .int(7) && fields[7].1 == .string("cpuid"))
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

    @Test func unknownInAPVDomU() {
        let system = RecordingSystem()
        system.addFile(SelfDomain.capabilitiesPath, "\n")
        #expect(SelfDomain.resolve(system: system, cpuid: Table(leaves: [:])) == nil)
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
