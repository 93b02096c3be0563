import Rendering
import ArgumentParser
import HypercallPage
import XenInterface
import HypercallPageInstall
import PrivcmdHypercalls
import XenSystem

/// `xen-detect hypercall ...`: read-only hypercalls through /dev/xen/privcmd.
struct HypercallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hypercall",
        abstract: "Issue read-only Xen hypercalls through /dev/xen/privcmd (root, in a Xen guest).",
        subcommands: [XenVersionSubcommand.self, HypercallSelftest.self]
    )
}

/// `xen-detect hypercall xen_version SUBOP [--json]`.
struct XenVersionSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xen_version",
        abstract: "One XENVER_ sub-op of public/version.h.",
        discussion: "SUBOP: " + XenVersionOp.allCases.map(\.name).joined(separator: ", ")
    )

    @Argument(help: "The sub-op without XENVER_ (e.g. version, capabilities, build_id).")
    var subop: String

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() throws {
        guard let op = XenVersionOp(name: subop) else {
            throw HypercallError(.usage, "unknown xen_version sub-op '\(subop)' (one of: \(XenVersionOp.allCases.map(\.name).joined(separator: ", ")))")
        }
        let caller = try PrivcmdHypercaller(system: LinuxSystem())
        let answer = try caller.xenVersion(op)
        if try caller.kernelBlocks(answer) {
            throw HypercallError(.permission, PrivcmdHypercaller.kernelBlocksMessage)
        }
        // The running release names the feature bits and tells a sub-op this Xen lacks (-ENOSYS).
        let needsRelease = op == .get_features || (op.since > .baseline && answer.result.errno == .ENOSYS)
        let row = HypercallOutcome(answer, running: needsRelease ? try caller.runningRelease() : nil)
        print(json ? row.json.rendered : row.line)
        if row.failed { throw ExitCode(ExitStatus.hypercallFailed.rawValue) }
    }
}

/// `xen-detect hypercall selftest [--json]`: the whole read-only set.
struct HypercallSelftest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Every xen_version sub-op, memory_op maximum_ram_page and current_reservation, sched_op yield.",
        discussion: """
            Each call is answered, refused by Xen's policy for this kind of domain (Xen's default \
            XSM policy gives XENVER_build_id, XENVER_commandline and XENVER_commandline2 to \
            privileged domains only: -EPERM and "<denied>" in a domU), not offered by this Xen \
            release (the sub-ops Xen 4.20 introduced, extraversion2 to commandline2, answer -ENOSYS \
            on 4.17), or failed (any other error, or an answer that does not decode). Exit 0 when \
            nothing failed, 3 when something did.
            """
    )

    @Flag(name: .long, help: "Print a JSON list of result objects.")
    var json = false

    func run() throws {
        let caller = try PrivcmdHypercaller(system: LinuxSystem())
        var rows: [HypercallOutcome] = []
        var running: XenRelease?
        for op in XenVersionOp.allCases {
            let answer = try caller.xenVersion(op)
            // XENVER_version comes first: its EPERM means the kernel blocks every call.
            if op == .version {
                if try caller.kernelBlocks(answer) { throw HypercallError(.permission, PrivcmdHypercaller.kernelBlocksMessage) }
                running = PrivcmdHypercaller.release(of: answer)
            }
            rows.append(HypercallOutcome(answer, running: running))
        }
        for query in ReadOnlyQuery.allCases { rows.append(HypercallOutcome(query, try caller.readOnly(query))) }
        if json {
            print(JSONValue.array(rows.map(\.json)).rendered)
        } else {
            for row in rows { print(row.line) }
            let refused = rows.filter { if case .refusedByPolicy = $0.verdict { true } else { false } }
            let notOffered = rows.filter { if case .notOffered = $0.verdict { true } else { false } }
            let failed = rows.filter(\.verdict.isFailure)
            func list(_ rows: [HypercallOutcome]) -> String { rows.isEmpty ? "" : " (" + rows.map(\.subop).joined(separator: ", ") + ")" }
            print("selftest: \(rows.count - refused.count - notOffered.count - failed.count) answered, \(refused.count) refused by "
                + "Xen's policy for this domain\(list(refused)), \(notOffered.count) not offered by Xen "
                + "\(running?.description ?? "(version unknown)")\(list(notOffered)), \(failed.count) failed")
        }
        if rows.contains(where: \.verdict.isFailure) { throw ExitCode(ExitStatus.hypercallFailed.rawValue) }
    }
}
