import ArgumentParser
import PVFoundations
import Rendering
import XenSystem

/// `xen-detect event-channel ...`: event channels through /dev/xen/evtchn.
struct EventChannelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event-channel",
        abstract: "Event channels through /dev/xen/evtchn (root, in a Xen guest).",
        subcommands: [EventChannelSelftest.self]
    )
}

/// The exit statuses of the two PV self-tests (README, "PV self-tests"): one per failure kind.
enum SelfTestExit {
    /// 0 passed; 66 module not loaded; 77 no permission; 3 Xen or the kernel refused a step;
    /// 4 the round trip failed; 69 this domain's id unknown; 78 refused where it is known to harm
    /// the system; 128 + N interrupted by signal N.
    static func status(_ failure: SelfTestFailure?) -> Int32 {
        switch failure {
        case nil: ExitStatus.success.rawValue
        case .moduleNotLoaded: ExitStatus.missing.rawValue
        case .noPermission: ExitStatus.permission.rawValue
        case .refused, .grantRefused: ExitStatus.hypercallFailed.rawValue
        case .roundTripFailed: 4
        case .domainUnknown: ExitStatus.unavailable.rawValue
        case .interrupted(let signal): 128 + signal
        case .unsafeHere: ExitStatus.refused.rawValue
        }
    }

    /// Prints the report (stdout) and the failure as one line (stderr), and ends with its status.
    /// A test that could not start (a module not loaded, no permission, the domain id unknown)
    /// prints only the line: there is no result, and an error never comes with partial output.
    static func finish(_ rendered: String, _ failure: SelfTestFailure?) throws {
        switch failure {
        case .moduleNotLoaded, .noPermission, .domainUnknown, .unsafeHere: break
        default: print(rendered)
        }
        if let failure {
            printError(failure.description)
            throw ExitCode(status(failure))
        }
    }
}

/// `xen-detect event-channel selftest [--json] [--rounds N]`.
struct EventChannelSelftest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Bind a loopback pair of ports, time N notifications between them, unbind both.",
        discussion: """
            Allocates an unbound port for DOMID_SELF, binds a second port to it \
            (IOCTL_EVTCHN_BIND_INTERDOMAIN, remote domain DOMID_SELF), then notifies one port and \
            reads the event on the other, N times, alternating direction; reports the median and \
            maximum round trip. Both ports are unbound even on a failure or a signal. Exit 0 when \
            every round trip worked; 66 xen-evtchn not loaded, 77 no permission, 3 refused (errno \
            by name), 4 an event did not arrive, 128+N interrupted by signal N.
            """
    )

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    @Option(name: .long, help: "Round trips to time (1 to \(EventChannelSelfTest.maximumRounds)).")
    var rounds = Number(EventChannelSelfTest.defaultRounds)

    func validate() throws {
        guard (1...EventChannelSelfTest.maximumRounds).contains(rounds.value) else {
            throw ValidationError("--rounds must be 1 to \(EventChannelSelfTest.maximumRounds), not \(rounds.value)")
        }
    }

    func run() throws {
        let report = EventChannelSelfTest(system: LinuxSystem(), rounds: rounds.value).run()
        try SelfTestExit.finish(json ? report.json.rendered : report.line, report.failure)
    }
}
