import Rendering
import XenSystem

/// The raw leaves behind a report: leaf 1, then every leaf of every hypervisor range in use
/// (Xen's TSC leaf with its three sub-leaves). Printed in `cpuid -r` format it is a dump this
/// tool reads back with `--source dump:FILE` to the same report.
public struct LeafListing: Equatable, Sendable {
    /// One CPUID read: its input and the registers it returned.
    public struct Entry: Equatable, Sendable {
        /// The leaf (EAX input).
        public let leaf: UInt32
        /// The sub-leaf (ECX input); 0–2 for Xen's TSC leaf, 0 otherwise.
        public let subleaf: UInt32
        /// EAX, EBX, ECX, EDX as read.
        public let registers: CPUIDRegisters
    }

    /// Leaf 1, then each range's leaves from its base up, in the order they were read.
    public let entries: [Entry]

    /// At most this many leaves per range are listed, whatever a range's max leaf claims.
    public static let maximumLeavesPerRange: UInt32 = 0x20

    /// Reads leaf 1, scans `source` in `mode`, and reads each range in use from its base to its
    /// max leaf (at most `maximumLeavesPerRange`); the base leaves are not read twice.
    public static func read(_ source: any CPUIDSource, mode: ScanMode) throws(CPUIDSourceError) -> LeafListing {
        var entries: [Entry] = []
        // Leaf 1 in every mode: a report read back from the dump checks its hypervisor bit, and
        // without it a PV listing (first base only) read back as "no hypervisor".
        let leaf1 = try source.cpuid(leaf: 1, subleaf: 0)
        entries.append(Entry(leaf: 1, subleaf: 0, registers: leaf1))
        let bases: [HypervisorRange]
        if mode == .firstBaseOnly {
            bases = try HypervisorScan.scan(source, mode: mode, checkHypervisorBit: false).ranges
        } else {
            bases = try HypervisorScan.scan(source, mode: mode, checkHypervisorBit: mode != .exhaustive).ranges
        }
        for range in bases {
            let last = range.maxLeaf >= range.leafBase
                ? min(range.maxLeaf, range.leafBase + maximumLeavesPerRange - 1) : range.leafBase
            var leaf = range.leafBase
            while leaf <= last {
                let subleaves: [UInt32] = range.vendor == .xen && leaf == range.leafBase + XenLeaves.tscLeaf ? [0, 1, 2] : [0]
                for sub in subleaves {
                    // The base leaf was read by the scan; do not pay for it twice.
                    let r = leaf == range.leafBase && sub == 0
                        ? range.registers : try source.cpuid(leaf: leaf, subleaf: sub)
                    entries.append(Entry(leaf: leaf, subleaf: sub, registers: r))
                }
                leaf += 1
            }
        }
        return LeafListing(entries: entries)
    }

    /// `cpuid -r` text: a `CPU:` header and one line per leaf.
    public var dumpText: String {
        var lines = ["CPU:"]
        for e in entries { lines.append(CPUIDDump.formatLine(leaf: e.leaf, subleaf: e.subleaf, e.registers)) }
        return lines.joined(separator: "\n")
    }

    package var json: JSONValue {
        .array(entries.map { e in
            .object([
                ("leaf", .number(e.leaf)), ("subleaf", .number(e.subleaf)),
                ("eax", .number(e.registers.eax)), ("ebx", .number(e.registers.ebx)),
                ("ecx", .number(e.registers.ecx)), ("edx", .number(e.registers.edx)),
            ])
        })
    }
}
