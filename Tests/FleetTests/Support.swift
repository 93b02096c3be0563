import CPUIDProbe
import Foundation
import XenSystem
import XenSystemTesting

/// The real recordings of Tests/CPUIDProbeTests/Fixtures (named after where they were recorded).
enum Recorded {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CPUIDProbeTests/Fixtures")

    static func source(_ name: String) throws -> TableCPUID {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        return try CPUIDDump(parsing: text).source(name: name)!
    }

    /// A report from a dump alone, as `--source dump:FILE` makes it (nothing of the host read).
    static func offline(_ name: String) throws -> ProbeReport {
        try ProbeReport.probe(source: try source(name), pv: nil, system: nil)
    }

    /// The recorded sysfs/procfs of an environment (`NAME.sysfs.txt`: `path=value` lines).
    static func system(_ environment: String) throws -> RecordingSystem {
        let text = try String(contentsOf: directory.appendingPathComponent(environment + ".sysfs.txt"), encoding: .utf8)
        let s = RecordingSystem()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let path = String(line[..<eq]), value = String(line[line.index(after: eq)...])
            s.addFile(path, value + "\n")
            var dir = path
            while let slash = dir.lastIndex(of: "/"), slash != dir.startIndex {
                dir = String(dir[..<slash]); s.directories.insert(dir)
            }
        }
        return s
    }

    /// A live report of a recorded environment: plain CPUID from `NAME.cpuid`, the forced-emulation
    /// view from `NAME.leaves.pv.txt` when it was recorded (PV), else one that faults, and sysfs.
    static func live(_ environment: String) throws -> ProbeReport {
        let pvName = environment + ".leaves.pv.txt"
        let pv: any CPUIDSource = FileManager.default.fileExists(atPath: directory.appendingPathComponent(pvName).path)
            ? try source(pvName) : Faulting()
        return try ProbeReport.probe(source: try source(environment + ".cpuid"), pv: pv, system: try system(environment))
    }
}

/// The forced-emulation source outside PV: always faults.
struct Faulting: CPUIDSource {
    var name: String { "pv" }
    func cpuid(leaf: UInt32, subleaf: UInt32) throws(CPUIDSourceError) -> CPUIDRegisters { throw .notPVContext }
}
