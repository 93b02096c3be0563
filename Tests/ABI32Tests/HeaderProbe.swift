import Foundation
import XenInterface

/// Compiles CProbe's program with gcc against /usr/include/xen (Debian libxen-dev) for one ABI,
/// runs it, and parses what the real headers say. (ABI64Tests has the same helper.)
struct HeaderProbe {
    struct Member: Equatable { let offset: Int; let size: Int }
    var structs: [String: (size: Int, align: Int)] = [:]
    var members: [String: [String: Member]] = [:]
    var constants: [String: UInt64] = [:]

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func run(bits: Int, _ layouts: [(description: StructDescription, layout: StructLayout)]) throws -> HeaderProbe {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("xen-abi-probe-\(bits)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("probe.c")
        let binary = directory.appendingPathComponent("probe")
        try CProbe.source(layouts).write(to: source, atomically: true, encoding: .utf8)
        let compile = try execute("/usr/bin/gcc", ["-m\(bits)", "-std=gnu11", "-w", "-o", binary.path, source.path])
        guard compile.status == 0 else { throw Failure(description: "gcc -m\(bits) failed:\n\(compile.output)") }
        let probe = try execute(binary.path, [])
        guard probe.status == 0 else { throw Failure(description: "probe failed: \(probe.output)") }
        var result = HeaderProbe()
        for line in probe.output.split(separator: "\n") {
            let parts = line.split(separator: " ").map(String.init)
            switch parts.first {
            case "S" where parts.count == 4:
                result.structs[parts[1]] = (Int(parts[2]) ?? -1, Int(parts[3]) ?? -1)
            case "F" where parts.count == 5:
                result.members[parts[1], default: [:]][parts[2]] = Member(offset: Int(parts[3]) ?? -1,
                                                                          size: Int(parts[4]) ?? -1)
            case "C" where parts.count == 3:
                result.constants[parts[1]] = UInt64(parts[2])
            default:
                throw Failure(description: "unexpected probe line: \(line)")
            }
        }
        return result
    }

    static func execute(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
