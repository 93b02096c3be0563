import Foundation
import Testing

/// Runs the built xen-detect binary (the one this test bundle was built next to).
///
/// Every process a CLI test starts goes through `run`, and `run` refuses an argument list that
/// would let `hypercall-page install` write the hypercall MSR: on a Xen HVM or PVH guest the
/// binary would really write it and execute a stub. Only the real-Xen stage passes the flag, in
/// a throw-away guest. `NoMSRWriteTests` checks the refusal and scans the test sources.
enum Binary {
    /// `hypercall-page install`'s enabling flag, spelled in parts so that the source scan of
    /// `NoMSRWriteTests` finds no literal of it anywhere under Tests/, this guard included.
    static let msrWriteFlag = "--" + ["yes", "write", "msr"].joined(separator: "-")

    /// Why `arguments` must not reach a process, or nil. Refused: the flag, the flag with a value
    /// (`--flag=1`), and any abbreviation of it down to `--y` (ArgumentParser accepts none today,
    /// getopt_long would accept a unique prefix: refusing them all keeps that true if parsing moves).
    static func refusal(_ arguments: [String]) -> String? {
        for argument in arguments {
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if name.count >= 3, name.hasPrefix("--"), msrWriteFlag.hasPrefix(name) {
                return "refused to run \(arguments): '\(argument)' would allow writing the hypercall MSR of this machine"
            }
        }
        return nil
    }

    struct Refused: Error, CustomStringConvertible { let description: String }

    static let url: URL = {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("xen-detect")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/xen-detect")
    }()

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CPUIDProbeTests/Fixtures")

    struct Result: Equatable {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    static func run(_ arguments: [String], executable: URL = url, argv0: String? = nil) throws -> Result {
        if let reason = refusal(arguments) {
            // Recorded as well as thrown: a caller's `try?` must not turn the refusal into a pass.
            Issue.record(Comment(rawValue: reason))
            throw Refused(description: reason)
        }
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Drain stderr on another thread: a child that fills one pipe while we wait on the
        // other would deadlock (sanitizer reports can be large).
        nonisolated(unsafe) var e = Data()
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            e = err.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        p.waitUntilExit()
        return Result(stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self),
                      status: p.terminationStatus)
    }

    static func temporaryFile(_ contents: String) throws -> String {
        let path = NSTemporaryDirectory() + "xd-test-\(UUID().uuidString)"
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
