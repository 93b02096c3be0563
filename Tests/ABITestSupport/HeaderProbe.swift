import Foundation
import XenInterface

/// Where the public headers of each Xen release are: Debian 12's libxen-dev (/usr/include/xen,
/// Xen 4.17, the baseline) and Debian 13's (Xen 4.20), which
/// `scripts/xen-stage/fetch-xen-4.20.sh --headers` unpacks into $XS_XEN_420_CACHE/headers
/// (default .xen-stage/xen-4.20/headers), as scripts/abi/gen-constants.py reads them.
public enum XenHeaderTree {
    /// The package's root directory (three levels above this file).
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// gcc's arguments that make `#include <xen/...>` read `release`'s headers; a missing tree
    /// fails (a proof that cannot run has proven nothing), naming the command that fetches it.
    public static func includeArguments(_ release: XenRelease) throws -> [String] {
        if release == .baseline { return [] }
        guard release == .xen4_20 else { throw HeaderProbe.Failure(description: "no header tree known for Xen \(release)") }
        let cache = ProcessInfo.processInfo.environment["XS_XEN_420_CACHE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? root.appendingPathComponent(".xen-stage/xen-4.20").path
        let include = cache + "/headers/root/usr/include"
        guard FileManager.default.fileExists(atPath: include + "/xen/version.h") else {
            throw HeaderProbe.Failure(description: "no Xen 4.20 headers in \(include)/xen: run scripts/xen-stage/fetch-xen-4.20.sh --headers")
        }
        return ["-I", include]
    }
}

/// Compiles CProbe's program with gcc against /usr/include/xen (Debian libxen-dev) for one ABI,
/// or against another release's tree (`XenHeaderTree`), runs it, and parses what the real
/// headers say. Shared by ABI32Tests and ABI64Tests.
public struct HeaderProbe {
    public struct Member: Equatable, Sendable {
        public let offset: Int
        public let size: Int
        public init(offset: Int, size: Int) { self.offset = offset; self.size = size }
    }
    public var structs: [String: (size: Int, align: Int)] = [:]
    public var members: [String: [String: Member]] = [:]
    public var constants: [String: UInt64] = [:]

    public struct Failure: Error, CustomStringConvertible { public let description: String }

    public static func run(bits: Int, release: XenRelease = .baseline,
                           _ layouts: [(description: StructDescription, layout: StructLayout)]) throws -> HeaderProbe {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("xen-abi-probe-\(bits)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("probe.c")
        let binary = directory.appendingPathComponent("probe")
        try CProbe.source(layouts, release: release).write(to: source, atomically: true, encoding: .utf8)
        let compile = try execute("/usr/bin/gcc", ["-m\(bits)", "-std=gnu11", "-w"] + XenHeaderTree.includeArguments(release)
                                  + ["-o", binary.path, source.path])
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

    public static func execute(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
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

/// Every struct's and union's leaf member paths as gcc's DWARF describes them: an oracle for
/// completeness that shares nothing with the catalog (compiled with -g, read with objdump).
public enum DWARFMembers {
    struct Entry {
        var tag = ""
        var name = ""
        var type: Int?
        var count: Int?
        var encoding = ""
        var children: [Int] = []
    }

    /// Struct/union tag → leaf paths, flattened like StructLayout (dotted; arrays of records
    /// indexed; guest handles and scalar arrays are leaves; flexible arrays left out).
    /// A leaf member: its path, and whether its C type is signed (nil: char, which is text here).
    public struct Leaf: Equatable, Sendable {
        public let path: String
        public let isSigned: Bool?
    }

    public static func paths(bits: Int) throws -> [String: [String]] {
        try leaves(bits: bits).mapValues { $0.map(\.path) }
    }

    public static func leaves(bits: Int, release: XenRelease = .baseline) throws -> [String: [Leaf]] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xen-abi-dwarf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("types.c")
        let object = directory.appendingPathComponent("types.o")
        let text = "#define __XEN_INTERFACE_VERSION__ \(CProbe.interfaceVersion)\n#include <stdint.h>\n"
            + CProbe.headers.map { "#include <xen/\($0)>\n" }.joined()
        try text.write(to: source, atomically: true, encoding: .utf8)
        let compile = try HeaderProbe.execute("/usr/bin/gcc", ["-m\(bits)"] + XenHeaderTree.includeArguments(release) + ["-g", "-fno-eliminate-unused-debug-types",
                                                               "-c", "-o", object.path, source.path])
        guard compile.status == 0 else { throw HeaderProbe.Failure(description: compile.output) }
        let dump = try HeaderProbe.execute("/usr/bin/objdump", ["--dwarf=info", object.path])
        var entries: [Int: Entry] = [:]
        var stack: [(depth: Int, offset: Int)] = []
        var current: Int?
        let header = /^\s*<(\d+)><([0-9a-f]+)>: Abbrev Number: \d+ \((DW_TAG_\w+)\)/
        let attribute = /^\s*<[0-9a-f]+>\s+(DW_AT_\w+)\s*:\s*(.*)$/
        for line in dump.output.split(separator: "\n") {
            if let match = try header.firstMatch(in: String(line)) {
                let depth = Int(match.output.1) ?? 0
                let offset = Int(match.output.2, radix: 16) ?? 0
                while let last = stack.last, last.depth >= depth { stack.removeLast() }
                if let parent = stack.last { entries[parent.offset]?.children.append(offset) }
                entries[offset] = Entry(tag: String(match.output.3))
                stack.append((depth, offset))
                current = offset
            } else if let match = try attribute.firstMatch(in: String(line)), let offset = current {
                let value = String(match.output.2)
                switch match.output.1 {
                case "DW_AT_name":
                    entries[offset]?.name = value.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? value
                case "DW_AT_type":
                    if let hex = try /<0x([0-9a-f]+)>/.firstMatch(in: value) { entries[offset]?.type = Int(hex.output.1, radix: 16) }
                case "DW_AT_upper_bound":
                    entries[offset]?.count = Int(value.trimmingCharacters(in: .whitespaces)).map { $0 + 1 }
                case "DW_AT_encoding":
                    entries[offset]?.encoding = value
                case "DW_AT_count":
                    entries[offset]?.count = Int(value.trimmingCharacters(in: .whitespaces))
                default: break
                }
            }
        }

        /// The signedness of a scalar type: DW_ATE_signed/unsigned; pointers are unsigned.
        func signedness(_ type: Int?) -> Bool? {
            guard let type, let entry = entries[type] else { return false }
            switch entry.tag {
            case "DW_TAG_typedef", "DW_TAG_const_type", "DW_TAG_volatile_type", "DW_TAG_array_type":
                return entry.name.hasPrefix("__guest_handle") ? false : signedness(entry.type)
            case "DW_TAG_base_type":
                if entry.name == "char" { return nil }  // plain char: text here, whatever its sign
                return entry.encoding.contains("(signed")
            default:
                return false
            }
        }

        func leaves(_ type: Int?, _ prefix: String) -> [Leaf] {
            guard let type, let entry = entries[type] else { return [Leaf(path: prefix, isSigned: false)] }
            switch entry.tag {
            case "DW_TAG_typedef":
                return entry.name.hasPrefix("__guest_handle") ? [Leaf(path: prefix, isSigned: false)]
                    : leaves(entry.type, prefix)
            case "DW_TAG_const_type", "DW_TAG_volatile_type":
                return leaves(entry.type, prefix)
            case "DW_TAG_structure_type", "DW_TAG_union_type":
                return entry.children.flatMap { child -> [Leaf] in
                    guard let member = entries[child], member.tag == "DW_TAG_member" else { return [] }
                    let path = member.name.isEmpty ? prefix : (prefix.isEmpty ? member.name : prefix + "." + member.name)
                    return leaves(member.type, path)
                }
            case "DW_TAG_array_type":
                let subrange = entry.children.compactMap { entries[$0] }.first { $0.tag == "DW_TAG_subrange_type" }
                guard let count = subrange?.count, count > 0 else { return [] }  // flexible array: no bytes
                if isRecord(entry.type) {
                    return (0..<count).flatMap { leaves(entry.type, "\(prefix)[\($0)]") }
                }
                return [Leaf(path: prefix, isSigned: signedness(entry.type))]
            default:
                return [Leaf(path: prefix, isSigned: signedness(type))]
            }
        }

        func isRecord(_ type: Int?) -> Bool {
            guard let type, let entry = entries[type] else { return false }
            switch entry.tag {
            case "DW_TAG_typedef":
                return !entry.name.hasPrefix("__guest_handle") && isRecord(entry.type)
            case "DW_TAG_const_type", "DW_TAG_volatile_type": return isRecord(entry.type)
            case "DW_TAG_structure_type", "DW_TAG_union_type": return true
            default: return false
            }
        }

        var result: [String: [Leaf]] = [:]
        for (offset, entry) in entries
        where (entry.tag == "DW_TAG_structure_type" || entry.tag == "DW_TAG_union_type") && !entry.name.isEmpty
            && !entry.children.isEmpty {
            result[entry.name] = leaves(offset, "")
        }
        return result
    }
}
