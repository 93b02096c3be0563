import CPUIDProbe
import Foundation
import XenSystem

/// Recorded CPUID dumps, one per real environment, named after where they were recorded.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    static func source(_ name: String) throws -> TableCPUID {
        let dump = try CPUIDDump(parsing: try text(name))
        return dump.source(name: name)!
    }

    static func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path)
    }
}

/// Builds register values from a signature's text.
func signatureRegisters(_ text: String, eax: UInt32) -> CPUIDRegisters {
    var b = Array(text.utf8)
    b += [UInt8](repeating: 0, count: 12 - b.count)
    func w(_ i: Int) -> UInt32 { UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24 }
    return CPUIDRegisters(eax: eax, ebx: w(0), ecx: w(4), edx: w(8))
}

func key(_ leaf: UInt32, _ sub: UInt32 = 0) -> TableCPUID.Key { TableCPUID.Key(leaf: leaf, subleaf: sub) }
