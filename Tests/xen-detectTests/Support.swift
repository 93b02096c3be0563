import Foundation

/// Runs the built xen-detect binary (the one this test bundle was built next to).
enum Binary {
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
