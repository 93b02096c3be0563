import CPUIDProbe
import Testing
import XenSystem
import XenSystemTesting

@Suite struct DropInDetectionTests {
    @Test func thisMachineIsNotXenInThreeCPUIDs() throws {
        let plain = CountingCPUID(try Fixture.source("kvm-epyc-host.cpuid"))
        let pv = CountingCPUID(FaultingSource())
        let v = try DropInDetection.detect(system: RecordingSystem(), plain: plain, pv: pv)
        #expect(v.outcome == .none)
        #expect(v.line == "Not running on Xen.")
        #expect(plain.executions == 3)
        #expect(pv.faults == 1 && pv.executions == 0)
    }

    @Test func sysfsDecidesWithoutAnyCPUID() throws {
        let plain = UntouchedSource(), pv = UntouchedSource()
        let v = try DropInDetection.detect(system: RecordingSystem.xenSysfs(guestType: "PVH"), plain: plain, pv: pv)
        #expect(v.line == "Running in PVH context on Xen V4.17.")
        #expect(v.outcome == .hvm)
        #expect(plain.asked == 0 && pv.asked == 0)
        #expect(try DropInDetection.detect(system: RecordingSystem.xenSysfs(guestType: "PV"), plain: plain, pv: pv).outcome == .pv)
        #expect(try DropInDetection.detect(system: RecordingSystem.xenSysfs(guestType: "HVM"), plain: plain, pv: pv).line
                == "Running in HVM context on Xen V4.17.")
    }

    @Test func sysfsOfAnotherHypervisorMeansNotXenWithoutCPUID() throws {
        let s = RecordingSystem()
        s.directories.insert("/sys/hypervisor")
        s.addFile("/sys/hypervisor/type", "kvm\n")
        let plain = UntouchedSource()
        let v = try DropInDetection.detect(system: s, plain: plain, pv: plain)
        #expect(v.outcome == .none)
        #expect(plain.asked == 0)
        // An empty /sys/hypervisor (no type file) is the same verdict for xen-detect.
        s.files = [:]
        #expect(try DropInDetection.detect(system: s, plain: plain, pv: plain).outcome == .none)
    }

    @Test func sysfsWithoutVersionSaysUnknownVersion() throws {
        let v = try DropInDetection.detect(system: RecordingSystem.xenSysfs(guestType: "PVH", major: nil),
                                           plain: UntouchedSource(), pv: UntouchedSource())
        #expect(v.line == "Running in PVH context on Xen unknown version.")
    }

    @Test func unreadableGuestTypeFallsBackToCPUID() throws {
        let v = try DropInDetection.detect(system: RecordingSystem.xenSysfs(guestType: nil), plain: Tables.hvm(), pv: FaultingSource())
        #expect(v.line == "Running in HVM context on Xen V4.17.")
    }

    @Test func hvmThroughCPUID() throws {
        let plain = CountingCPUID(Tables.hvm())
        let v = try DropInDetection.detect(system: RecordingSystem(), plain: plain, pv: UntouchedSource())
        #expect(v.outcome == .hvm && v.line == "Running in HVM context on Xen V4.17.")
        // leaf 1, base, base+2 (features), base+1 (version): the scan stops at Xen.
        #expect(plain.executions == 4)
    }

    @Test func pvOnCPUIDFaultingHardwareIsNotHVM() throws {
        // Plain CPUID shows Xen (faulting) but with the PV-only MMU_PT_UPDATE_PRESERVE_AD feature.
        let plain = Tables.hvm(Tables.xen(features1: 1))
        let pv = TableCPUID(entries: Tables.xen(features1: 1))
        let v = try DropInDetection.detect(system: RecordingSystem(), plain: plain, pv: pv)
        #expect(v.line == "Running in PV context on Xen V4.17.")
    }

    @Test func pvBehindQEMU() throws {
        let v = try DropInDetection.detect(system: RecordingSystem(), plain: TableCPUID(entries: Tables.tcg),
                                           pv: TableCPUID(entries: Tables.xen()))
        #expect(v.outcome == .pv && v.line == "Running in PV context on Xen V4.17.")
    }

    @Test func zeroVersionIsNotXen() throws {
        let plain = Tables.hvm([key(0x4000_0001): .zero])
        let v = try DropInDetection.detect(system: RecordingSystem(), plain: plain, pv: FaultingSource())
        #expect(v.outcome == .none)
    }

    @Test func exhaustiveModeFindsXenBehindAnUnusedBoundary() throws {
        // A gap at 0x40000000: the first-unused scan stops there, the exhaustive one (as Xen's tool) goes on.
        var entries = Tables.xen(base: 0x4000_0200)
        entries[key(1)] = Tables.leaf1Hypervisor
        let plain = TableCPUID(entries: entries)
        #expect(try DropInDetection.detect(system: RecordingSystem(), plain: plain, pv: FaultingSource()).outcome == .none)
        #expect(try DropInDetection.detect(system: RecordingSystem(), plain: plain, pv: FaultingSource(), mode: .exhaustive).outcome == .hvm)
    }
}
