import Testing
@testable import PVFoundations
import Rendering
import XenSystem
import XenSystemTesting

/// The event-channel self-test against the recording fake: the loopback's calls in order, every
/// failure's verdict, and every port unbound and the descriptor closed whatever happened.
struct EventChannelSelfTestTests {
    @Test func passesAndReleasesEverything() {
        let fake = RecordingXenDevices()
        let report = EventChannelSelfTest(system: fake, rounds: 4).run()
        #expect(report.passed)
        #expect(report.roundsCompleted == 4)
        #expect(report.unboundPort == 5 && report.boundPort == 6)
        #expect(report.bindNotification)  // the fake sets the bound port pending, as Xen does
        #expect(report.released)
        #expect(fake.everythingReleased)
        #expect(fake.catchesInterruptions)
        // The loopback: unbound for DOMID_SELF, bound to it, then alternate directions.
        #expect(fake.calls(.notify).map(\.subject) == ["port 5", "port 6", "port 5", "port 6"])
        #expect(fake.calls(.unbind).map(\.subject) == ["port 6", "port 5"])
        #expect(fake.calls.last?.operation == .close)
        #expect(report.medianNanoseconds != nil && report.maxNanoseconds! >= report.medianNanoseconds!)
    }

    @Test func withoutTheBindNotificationStillPasses() {
        let fake = RecordingXenDevices()
        fake.bindNotifies = false
        let report = EventChannelSelfTest(system: fake, rounds: 3).run()
        #expect(report.passed)
        #expect(!report.bindNotification)
        #expect(fake.everythingReleased)
    }

    @Test func moduleNotLoaded() {
        let fake = RecordingXenDevices()
        fake.present = []
        let report = EventChannelSelfTest(system: fake, rounds: 3).run()
        #expect(report.failure == .moduleNotLoaded(.eventChannel))
        #expect(report.failure?.description == "/dev/xen/evtchn is absent: the xen-evtchn module is not loaded (modprobe xen-evtchn)")
        #expect(fake.calls.map(\.operation) == [.open])
        #expect(fake.everythingReleased)
    }

    @Test(arguments: [Errno.permissionDenied, Errno.notPermitted])
    func noPermission(_ errno: Errno) {
        let fake = RecordingXenDevices()
        fake.openErrors = [XenDevice.eventChannel.path: errno]
        let report = EventChannelSelfTest(system: fake, rounds: 3).run()
        #expect(report.failure == .noPermission(.eventChannel, errno))
        #expect(report.failure?.errnoName == (errno == .permissionDenied ? "EACCES" : "EPERM"))
        #expect(fake.everythingReleased)
    }

    /// Xen refusing the bind (its error is the ioctl's errno): named, and the first port unbound.
    @Test func refusedBindUnbindsTheFirstPort() {
        let fake = RecordingXenDevices()
        fake.fail(.bindInterdomain, with: .invalidArgument)
        let report = EventChannelSelfTest(system: fake, rounds: 3).run()
        #expect(report.failure == .refused(operation: "bindInterdomain", errno: .invalidArgument))
        #expect(report.failure?.errnoName == "EINVAL")
        #expect(report.unboundPort == 5 && report.boundPort == nil)
        #expect(fake.calls(.unbind).map(\.subject) == ["port 5"])
        #expect(fake.everythingReleased)
    }

    @Test func lostEventFailsTheRoundTripAndReleases() {
        let fake = RecordingXenDevices()
        fake.deliver = false
        let report = EventChannelSelfTest(system: fake, rounds: 3, timeoutMilliseconds: 5).run()
        guard case .roundTripFailed(let what) = report.failure else { Issue.record("\(String(describing: report.failure))"); return }
        #expect(what == "no event on port 6 within 5 ms of notifying port 5 (round 1)")
        #expect(report.roundsCompleted == 0)
        #expect(Set(fake.calls(.unbind).map(\.subject)) == ["port 5", "port 6"])
        #expect(fake.everythingReleased)
    }

    @Test func failedNotifyIsARefusalAndReleases() {
        let fake = RecordingXenDevices()
        fake.fail(.notify, with: Errno(rawValue: 107))
        let report = EventChannelSelfTest(system: fake, rounds: 3).run()
        #expect(report.failure == .refused(operation: "notify", errno: Errno(rawValue: 107)))
        #expect(report.failure?.errnoName == "ENOTCONN")
        #expect(fake.everythingReleased)
    }

    /// A signal during the rounds: the blocked wait returns EINTR, the test stops as interrupted,
    /// and both ports are still unbound and the descriptor closed.
    @Test(arguments: [RecordingXenDevices.Operation.notify, .wait, .bindInterdomain])
    func interruptedReleasesEverything(_ at: RecordingXenDevices.Operation) {
        let fake = RecordingXenDevices()
        fake.signal(15, after: at, count: at == .bindInterdomain ? 1 : 2)
        let report = EventChannelSelfTest(system: fake, rounds: 10).run()
        #expect(report.failure == .interrupted(signal: 15))
        #expect(report.roundsCompleted < 10)
        #expect(!report.released)
        #expect(fake.everythingReleased)
        #expect(report.failure?.description == "interrupted by signal 15; every port, grant and mapping was released")
    }

    @Test func failingUnbindStillClosesAndReports() {
        let fake = RecordingXenDevices()
        fake.fail(.unbind, with: .invalidArgument)
        let report = EventChannelSelfTest(system: fake, rounds: 2).run()
        #expect(report.failure == .refused(operation: "unbind", errno: .invalidArgument))
        #expect(fake.openDescriptors.isEmpty)
        // The port whose unbind failed is no longer held by the device; the other was unbound.
        #expect(fake.calls(.unbind).count == 2)
    }

    @Test func jsonAndLine() {
        let fake = RecordingXenDevices()
        let report = EventChannelSelfTest(system: fake, rounds: 2).run()
        guard case .object(let fields) = report.json else { Issue.record("not an object"); return }
        #expect(fields.map(\.0) == ["test", "passed", "verdict", "errno", "message", "remoteDomain", "unboundPort", "boundPort",
                                    "bindNotification", "roundsRequested", "roundsCompleted", "latencyNs", "released"])
        #expect(fields[2].1 == .string("passed"))
        #expect(report.line.hasPrefix("event-channel selftest: passed: ports 5 <-> 6 (DOMID_SELF loopback), 2 of 2 round trips, median "))
        #expect(report.line.hasSuffix("; both ports unbound"))
    }

    @Test func medianOfEvenAndOddCounts() {
        var r = EventChannelReport(roundsRequested: 4)
        r.latencies = [.nanoseconds(40), .nanoseconds(10), .nanoseconds(30), .nanoseconds(20)]
        #expect(r.medianNanoseconds == 20 && r.maxNanoseconds == 40 && r.minNanoseconds == 10)
        r.latencies.append(.nanoseconds(50))
        #expect(r.medianNanoseconds == 30)
        #expect(humanDuration(12_345) == "12.3 µs")
        #expect(humanDuration(1_204_000) == "1.20 ms")
    }
}
