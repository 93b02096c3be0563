import Testing
import CPUIDProbe
import PVExtensions
@testable import PVFoundations
import XenSystem
import XenSystemTesting

/// The self-tests' reports as the inventory's `verified`: a pass with the report's line, a
/// failed round trip as failed, every other failure as not run, and only the two foundations'
/// rows touched.
struct SelfTestVerificationTests {
    /// A PVH guest's inventory with nothing on its xen bus (only the rows matter here).
    func inventory() -> ExtensionInventory {
        let s = RecordingDirectorySystem()
        s.addFile("/sys/hypervisor/type", "xen\n")
        s.addFile("/sys/hypervisor/guest_type", "PVH\n")
        s.addFile("/proc/interrupts", "  CPU0\n")
        return ExtensionInventory.read(s, context: "PVH", sysfs: SysfsHypervisor.read(s), leaves: nil)
    }

    @Test func passesFillTheTwoFoundationRows() {
        let ec = EventChannelSelfTest(system: RecordingXenDevices(), rounds: 3).run()
        let gt = GrantTableSelfTest(system: RecordingXenDevices(), domain: SelfDomain(id: 0, source: .controlDomain)).run()
        #expect(ec.passed && gt.passed)
        let before = inventory()
        #expect(before.extensions.allSatisfy { $0.verified == nil })
        let after = before.verified(eventChannel: ec, grantTable: gt)
        #expect(after.row(.eventChannels)?.verified == .passed(ec.line))
        #expect(after.row(.grantTables)?.verified == .passed(gt.line))
        for row in after.extensions where row.name != .eventChannels && row.name != .grantTables {
            #expect(row.verified == nil, "\(row.name.rawValue)")
        }
        let line = after.text.split(separator: "\n").first { $0.contains("event-channels") } ?? ""
        #expect(line.contains("passed"))
    }

    @Test func failuresAreFailedOrNotRun() {
        let noModule = RecordingXenDevices()
        noModule.present = []
        let ec = EventChannelSelfTest(system: noModule, rounds: 3).run()
        #expect(ec.verification == .notRun(ec.failure!.description))
        let gt = GrantTableSelfTest(system: RecordingXenDevices(), domain: nil).run()
        #expect(gt.failure == .domainUnknown)
        #expect(gt.verification == .notRun(SelfTestFailure.domainUnknown.description))
        #expect(SelfTestFailure.roundTripFailed("other bytes").verification == .failed(SelfTestFailure.roundTripFailed("other bytes").description))
        #expect(SelfTestFailure.refused(operation: "mmap", errno: .permissionDenied).verification
            == .notRun(SelfTestFailure.refused(operation: "mmap", errno: .permissionDenied).description))
        #expect(SelfTestFailure.unsafeHere("why").verification == .notRun(SelfTestFailure.unsafeHere("why").description))
        let json = inventory().verified(eventChannel: ec, grantTable: gt).json.rendered
        #expect(json.contains("\"result\":\"notRun\"") || json.contains("\"result\": \"notRun\""))
    }
}
