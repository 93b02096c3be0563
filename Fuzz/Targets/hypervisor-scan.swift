// fuzz-options: -max_len=1024
// Fuzz target: the hypervisor scan, Xen's leaves, the leaf listing and the full probe report,
// over a CPUID table built from the input. Properties:
// - every scan mode terminates and returns ranges in use, in increasing leaf order, each read
//   from the table; the first-unused scan is a prefix of the exhaustive one; Xen is the first
//   range that passes xen-detect's test;
// - Xen's optional leaves are read iff the range's max leaf reaches them;
// - the report's listing printed as a `cpuid -r` dump reads back to the same listing and the same
//   report (the CLI's `leaves` -> `--source dump:` round trip);
// - the JSON report is well-formed: a strict reader parses it back to the same value;
// - one decision: the drop-in's lean detection and the report's decision are equal, with the
//   table's forced-emulation view faulting or showing the same table, with and without sysfs.
import CPUIDProbe
import XenSystem
import XenSystemTesting

/// A forced-emulation view that faults, as everywhere but in a PV guest.
struct FaultingView: CPUIDSource {
    var name: String { "pv" }
    func cpuid(leaf: UInt32, subleaf: UInt32) throws(CPUIDSourceError) -> CPUIDRegisters { throw .notPVContext }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHypervisorScan(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var input = FuzzBytes(data, size)
    // The first byte picks the mode the listing and report use (an exhaustive scan costs 256
    // lookups per pass, so it is not run for every input).
    // It also picks which of the costlier checks run (listing round trip, report round trip,
    // JSON), one per input, to keep the rate up.
    let modes: [ScanMode] = [.firstUnused, .exhaustive, .firstBaseOnly]
    let first = input.byte()
    let chosen = modes[Int(first % 3)]
    let part = first / 3 % 3
    // Each entry: a selector byte that picks a leaf near the hypervisor bases, a sub-leaf byte,
    // then four registers. Signatures come from the vendor table half the time so that ranges
    // are found and followed.
    var entries: [TableCPUID.Key: CPUIDRegisters] = [:]
    while input.remaining >= 6 && entries.count < 64 {
        let selector = input.byte()
        let subleaf = UInt32(input.byte() & 3)
        let baseIndex = UInt32(selector & 0x0f)
        let leaf: UInt32 = selector == 0xff ? 1 : hypervisorLeafFirst + baseIndex * hypervisorLeafStride + UInt32(selector >> 4 & 7)
        var r = CPUIDRegisters(eax: input.uint32(), ebx: input.uint32(), ecx: input.uint32(), edx: input.uint32())
        if selector & 0x80 != 0 && leaf != 1 {
            let table = HypervisorVendor.table
            let pick = table[Int(r.ebx % UInt32(table.count))].signature
            var b = Array(pick.utf8)
            b += [UInt8](repeating: 0, count: 12 - b.count)
            func w(_ i: Int) -> UInt32 { UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24 }
            let base = leaf & ~(hypervisorLeafStride - 1)
            r = CPUIDRegisters(eax: base + (r.eax & 0x1f), ebx: w(0), ecx: w(4), edx: w(8))
            entries[TableCPUID.Key(leaf: base, subleaf: 0)] = r
            continue
        }
        entries[TableCPUID.Key(leaf: leaf, subleaf: subleaf)] = r
    }
    let table = TableCPUID(name: "fuzz", entries: entries)

    func scan(_ mode: ScanMode, bit: Bool) -> HypervisorScan {
        do { return try HypervisorScan.scan(table, mode: mode, checkHypervisorBit: bit) } catch {
            require(false, "a table source threw \(error)")
            fatalError()
        }
    }
    let firstUnused = scan(.firstUnused, bit: false)
    let exhaustive = chosen == .exhaustive ? scan(.exhaustive, bit: false) : firstUnused
    let firstBase = scan(.firstBaseOnly, bit: false)
    let withBit = scan(.firstUnused, bit: true)
    require(exhaustive.hypervisorBit == nil && firstUnused.hypervisorBit == nil, "bit read without being asked")
    require(zip(exhaustive.ranges, exhaustive.ranges.dropFirst()).allSatisfy { $0.leafBase < $1.leafBase }, "ranges out of order")
    require(exhaustive.ranges.starts(with: firstUnused.ranges), "first-unused scan is not a prefix of the exhaustive one")
    if chosen != .exhaustive {
        // Without the exhaustive scan, check first-unused's own stopping rule: the base after its
        // last range is unused (or the last base).
        let next = (firstUnused.ranges.last?.leafBase).map { $0 + hypervisorLeafStride } ?? hypervisorLeafFirst
        if next <= hypervisorLeafLastBase && (firstUnused.ranges.last?.leafBase ?? 0) < hypervisorLeafLastBase {
            let r = (try? table.cpuid(leaf: next, subleaf: 0)) ?? .zero
            let range = HypervisorRange(leafBase: next, registers: r)
            require(range.vendor == nil && !(r.eax >= next && r.eax - next < hypervisorLeafStride),
                    "first-unused scan stopped before a range in use at \(next)")
        }
    }
    require(firstBase.ranges.count <= 1 && exhaustive.ranges.starts(with: firstBase.ranges), "first-base scan")
    let leaf1 = (try? table.cpuid(leaf: 1, subleaf: 0)) ?? .zero
    let bitSet = leaf1.ecx & cpuidLeaf1HypervisorBit != 0
    require(withBit.hypervisorBit == bitSet, "hypervisor bit")
    require(withBit.ranges == (bitSet ? firstUnused.ranges : []), "a clear hypervisor bit must end the scan")
    for range in exhaustive.ranges {
        let r = (try? table.cpuid(leaf: range.leafBase, subleaf: 0)) ?? .zero
        require(range.registers == r, "range at \(range.leafBase) does not hold the table's registers")
        require(range.leafBase & (hypervisorLeafStride - 1) == 0 && range.leafBase >= hypervisorLeafFirst
                && range.leafBase <= hypervisorLeafLastBase, "range base \(range.leafBase)")
    }
    require(exhaustive.xen == exhaustive.ranges.first(where: \.isXen), "xen is the first Xen range")

    if let xen = exhaustive.xen {
        guard let leaves = try? XenLeaves.read(table, range: xen) else {
            require(false, "XenLeaves.read threw on a table")
            return 0
        }
        require((leaves.tsc != nil) == (xen.maxLeaf >= xen.leafBase + 3), "TSC leaf iff max leaf reaches base+3")
        require((leaves.hvm != nil) == (xen.maxLeaf >= xen.leafBase + 4), "HVM leaf iff max leaf reaches base+4")
        require((leaves.pv != nil) == (xen.maxLeaf >= xen.leafBase + 5), "PV leaf iff max leaf reaches base+5")
    }

    for mode in [chosen] {
        guard let listing = try? LeafListing.read(table, mode: mode),
              let report = try? ProbeReport.probe(source: table, pv: nil, system: nil, mode: mode) else {
            require(false, "listing or report threw on a table")
            return 0
        }
        // Offline, Xen is detected iff the scan found its range and leaf base+1 gives a version
        // (xen-detect's check_for_xen returns that EAX, and 0 means not found).
        let hasVersion = report.xen.map { $0.version.major != 0 || $0.version.minor != 0 } ?? false
        require(report.xenDetected == (report.scan.xen != nil && hasVersion), "offline report detects Xen iff the scan found it with a version")
        // One decision, live: the lean drop-in and the report agree.
        let sysfs = RecordingSystem()
        if first & 0x40 != 0 {
            sysfs.directories.insert("/sys/hypervisor")
            if first & 0x20 != 0 { sysfs.addFile("/sys/hypervisor/type", "xen\n") }
            if first & 0x10 != 0 { sysfs.addFile("/sys/hypervisor/guest_type", first & 0x08 != 0 ? "PV\n" : "PVH\n") }
        }
        let forced: any CPUIDSource = first & 0x04 != 0 ? table : FaultingView()
        let lean = try? DropInDetection.detect(system: sysfs, plain: table, pv: forced, mode: mode)
        let live = try? ProbeReport.probe(source: table, pv: forced, system: sysfs, mode: mode)
        require(lean != nil && lean == live?.decision, "drop-in and report decide differently in mode \(mode)")
        // Round trip through the `cpuid -r` text the `leaves` command prints.
        let dump: CPUIDDump
        do { dump = try CPUIDDump(parsing: listing.dumpText) } catch {
            // Only a listing without any entry has nothing to print.
            require(listing.entries.isEmpty, "listing text does not parse: \(error)")
            continue
        }
        guard let source = dump.source(name: "fuzz") else { require(false, "no source from a listing"); return 0 }
        if part == 0 {
            let again = try? LeafListing.read(source, mode: mode)
            require(again == listing, "listing -> dump -> listing changed in mode \(mode)")
            continue
        }
        if part == 1 {
            let report2 = try? ProbeReport.probe(source: source, pv: nil, system: nil, mode: mode)
            require(report2 == report, "report from the listing's dump differs in mode \(mode)")
            continue
        }
        let json = report.json
        var reader = StrictJSONReader(json.rendered)
        require(reader.parseDocument() == json.normalized, "rendered JSON does not read back")
        var compactReader = StrictJSONReader(json.compact)
        require(compactReader.parseDocument() == json.normalized, "compact JSON does not read back")
    }
    return 0
}
