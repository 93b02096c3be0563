import CPUIDProbe
import Foundation
import XenSystem

/// Recorded `cpuid -r` dumps in Fixtures/, named after the machine they were recorded on.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The first CPU of the dump `name` as a CPUID source.
    static func source(_ name: String) throws -> TableCPUID {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        let dump = try CPUIDDump(parsing: text)
        guard let source = dump.source(name: name) else { throw CPUIDDumpError.empty }
        return source
    }

    /// CPUID leaf 0's vendor string, read from the recorded dump.
    static func cpuVendor(_ source: some CPUIDSource) throws -> String {
        try CPUVendor.read(from: source)
    }
}
