import XenInterface
import XenSystem

/// The event-channel self-test: through /dev/xen/evtchn, a loopback pair of ports of this domain
/// (an unbound port for DOMID_SELF, and a second port bound to it by IOCTL_EVTCHN_BIND_INTERDOMAIN
/// with remote domain DOMID_SELF), then `rounds` notifications, alternating direction, each read
/// on the other port and unmasked; both ports unbound at the end. Nothing outlives it.
///
/// Xen accepts the loopback: evtchn_alloc_unbound stores DOMID_SELF as the caller's own id, and
/// evtchn_bind_interdomain looks the remote domain up with rcu_lock_domain_by_any_id (which takes
/// DOMID_SELF) and locks once when both ends are one domain (xen/common/event_channel.c); Linux
/// passes the remote domain through unchanged (drivers/xen/evtchn.c). Binding sets the new port
/// pending once ("we may have lost notifications"): that event is drained before round 1.
public struct EventChannelSelfTest: Sendable {
    /// The system whose devices it uses.
    public let system: any XenDeviceSystem
    /// How many notifications (round trips) to time.
    public let rounds: Int
    /// How long to wait for each event before the round trip counts as failed.
    public let timeoutMilliseconds: Int32

    /// The most rounds one run may ask for.
    public static let maximumRounds = 1_000_000
    /// The rounds a run makes unless told otherwise.
    public static let defaultRounds = 100

    /// A test of `rounds` round trips (1...maximumRounds), each waiting at most `timeoutMilliseconds`.
    public init(system: any XenDeviceSystem, rounds: Int = defaultRounds, timeoutMilliseconds: Int32 = 2000) {
        self.system = system
        self.rounds = rounds
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// Runs the test. Signals are caught for its duration (`XenDeviceSystem.catchInterruptions`)
    /// so that an interruption still unbinds both ports; the report says how far it got.
    public func run() -> EventChannelReport {
        system.catchInterruptions()
        var report = EventChannelReport(roundsRequested: rounds)
        do throws(SelfTestFailure) {
            try body(&report)
        } catch {
            report.failure = error
        }
        return report
    }

    /// One call: its system error becomes the test's failure, and a signal caught meanwhile ends the test.
    private func step<T: ~Copyable>(opening: Bool = false, _ call: () throws(SystemError) -> T) throws(SelfTestFailure) -> T {
        try SelfTestFailure.step(system, opening: opening ? .eventChannel : nil, call)
    }

    private func body(_ report: inout EventChannelReport) throws(SelfTestFailure) {
        let system = self.system
        var device = try step(opening: true) { () throws(SystemError) in try EventChannelDevice(system: system) }
        let selfDomain = UInt32(DOMID_SELF)
        let first = try step { () throws(SystemError) in try device.bindUnbound(remoteDomain: selfDomain) }
        report.unboundPort = first.number
        let firstNumber = first.number
        let second = try step { () throws(SystemError) in
            try device.bind(remoteDomain: selfDomain, remotePort: firstNumber)
        }
        report.boundPort = second.number
        // Xen's bind-time event on the new port: wait for it briefly, unmask whatever came.
        let initial = try step { () throws(SystemError) in try device.pending(waitingAtMost: 200) }
        report.bindNotification = initial.contains(second.number)
        if !initial.isEmpty { try step { () throws(SystemError) in try device.unmask(initial) } }

        let clock = ContinuousClock()
        for round in 0..<rounds {
            let forward = round % 2 == 0
            let (from, to) = forward ? (first.number, second.number) : (second.number, first.number)
            let start = clock.now
            if forward {
                try step { () throws(SystemError) in try device.notify(first) }
            } else {
                try step { () throws(SystemError) in try device.notify(second) }
            }
            let arrived = try step { () throws(SystemError) in try device.pending(waitingAtMost: timeoutMilliseconds) }
            let elapsed = clock.now - start
            guard arrived.contains(to) else {
                throw SelfTestFailure.roundTripFailed(arrived.isEmpty
                    ? "no event on port \(to) within \(timeoutMilliseconds) ms of notifying port \(from) (round \(round + 1))"
                    : "notifying port \(from) raised port(s) \(arrived.map(String.init).joined(separator: ",")), not \(to) (round \(round + 1))")
            }
            try step { () throws(SystemError) in try device.unmask(arrived) }
            report.latencies.append(elapsed)
        }
        // Unbinding consumes each port, which a closure cannot: the same mapping of errors, inline.
        do throws(SystemError) {
            try device.unbind(second)
            try device.unbind(first)
        } catch {
            throw SelfTestFailure.from(error, signal: system.caughtSignal())
        }
        report.released = true
    }
}

/// What one event-channel self-test found: one decision, rendered as text and JSON.
public struct EventChannelReport: Sendable {
    /// The rounds asked for.
    public let roundsRequested: Int
    /// The port allocated unbound for DOMID_SELF; nil when it was not.
    public var unboundPort: UInt32?
    /// The port bound to it; nil when it was not.
    public var boundPort: UInt32?
    /// Whether Xen's bind-time event arrived on the bound port before round 1.
    public var bindNotification = false
    /// Each completed round trip's time, notify to read.
    public var latencies: [Duration] = []
    /// True when both ports were unbound by the test's own calls (on a failure its device unbinds them).
    public var released = false
    /// Why it did not complete; nil when every round trip worked.
    public var failure: SelfTestFailure?

    /// A report before the test ran.
    public init(roundsRequested: Int) { self.roundsRequested = roundsRequested }

    /// True when every round trip worked.
    public var passed: Bool { failure == nil }
    /// Round trips completed.
    public var roundsCompleted: Int { latencies.count }
    /// The median round trip in nanoseconds (the lower middle for an even count); nil without one.
    public var medianNanoseconds: Int64? {
        let sorted = latencies.map(Self.nanoseconds).sorted()
        return sorted.isEmpty ? nil : sorted[(sorted.count - 1) / 2]
    }
    /// The slowest round trip in nanoseconds; nil without one.
    public var maxNanoseconds: Int64? { latencies.map(Self.nanoseconds).max() }
    /// The fastest round trip in nanoseconds; nil without one.
    public var minNanoseconds: Int64? { latencies.map(Self.nanoseconds).min() }

    static func nanoseconds(_ d: Duration) -> Int64 {
        let c = d.components
        return c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000
    }
}
