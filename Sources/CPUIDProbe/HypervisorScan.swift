import XenSystem

/// One hypervisor range found in CPUID: its base leaf, the maximum leaf it reports, its signature.
public struct HypervisorRange: Equatable, Sendable {
    /// The range's first leaf, a multiple of 0x100 from 0x40000000 to 0x4000FF00.
    public let leafBase: UInt32
    /// EAX of the base leaf: the highest leaf the range claims (Xen: "Largest Xen-information
    /// leaf", public/arch-x86/cpuid.h). Not checked: unused bases hold anything.
    public let maxLeaf: UInt32
    /// EBX, ECX, EDX of the base leaf.
    public let signature: HypervisorSignature
    /// nil when the signature is not one this tool knows; looked up when asked (the drop-in's
    /// scan asks only `isInUse` and `isXen`, which need no table).
    public var vendor: HypervisorVendor? { HypervisorVendor(signature: signature) }

    /// The range at `leafBase` as its base leaf's registers `r` describe it.
    public init(leafBase: UInt32, registers r: CPUIDRegisters) {
        self.leafBase = leafBase
        self.maxLeaf = r.eax
        self.signature = HypervisorSignature(ebx: r.ebx, ecx: r.ecx, edx: r.edx)
    }

    /// The base leaf's registers, as the scan read them.
    public var registers: CPUIDRegisters {
        CPUIDRegisters(eax: maxLeaf, ebx: signature.ebx, ecx: signature.ecx, edx: signature.edx)
    }

    /// The name to report: the vendor's, or "unknown".
    public var name: String { vendor?.rawValue ?? "unknown" }

    /// A range is in use when it carries a known signature, or when its max leaf lies in
    /// [base, base+0xFF] (an unknown hypervisor). Anything else is an unused boundary.
    var isInUse: Bool {
        (maxLeaf >= leafBase && maxLeaf - leafBase < hypervisorLeafStride) || vendor != nil
    }

    /// Xen's own test (tools/misc/xen-detect.c): the signature, and leaves up to base+2 at least.
    public var isXen: Bool { signature == .xen && maxLeaf >= leafBase &+ 2 }
}


/// How far a scan of the hypervisor range goes.
public enum ScanMode: Sendable, Equatable {
    /// Stop at the first unused 0x100 boundary. Xen places its leaves at the first boundary no
    /// other hypervisor uses (public/arch-x86/cpuid.h), so nothing is missed, and a guest pays one
    /// VM exit per hypervisor plus one.
    case firstUnused
    /// Every base from 0x40000000 to 0x4000FF00, as Xen's xen-detect does (256 VM exits).
    case exhaustive
    /// Only the first base (a PV guest's escaped CPUID: Xen's leaves are at 0x40000000 there).
    case firstBaseOnly
}

/// The result of scanning the hypervisor range.
public struct HypervisorScan: Equatable, Sendable {
    /// CPUID.1:ECX[31], when the scan read leaf 1.
    public let hypervisorBit: Bool?
    /// Every range in use, in leaf order.
    public let ranges: [HypervisorRange]

    /// The first range that passes xen-detect's test (`HypervisorRange.isXen`), nil without one.
    public var xen: HypervisorRange? { ranges.first(where: \.isXen) }

    /// Scans `source`. When `checkHypervisorBit` is set, leaf 1 is read first and a clear bit ends
    /// the scan (no hypervisor announces itself; Xen always sets it for HVM and PVH guests).
    /// With `stopAtXen`, the scan ends at Xen's range, as xen-detect's loop does.
    public static func scan(
        _ source: any CPUIDSource, mode: ScanMode, checkHypervisorBit: Bool, stopAtXen: Bool = false
    ) throws(CPUIDSourceError) -> HypervisorScan {
        var ranges: [HypervisorRange] = []
        let bit = try visit(source, mode: mode, checkHypervisorBit: checkHypervisorBit) { range in
            ranges.append(range)
            return !(stopAtXen && range.isXen)
        }
        return HypervisorScan(hypervisorBit: bit, ranges: ranges)
    }

    /// The first range that passes xen-detect's test, scanning as `scan` does with `stopAtXen`,
    /// but keeping no list (the drop-in's scan, before the Swift runtime has started).
    public static func firstXen(
        _ source: any CPUIDSource, mode: ScanMode, checkHypervisorBit: Bool
    ) throws(CPUIDSourceError) -> HypervisorRange? {
        var xen: HypervisorRange? = nil
        _ = try visit(source, mode: mode, checkHypervisorBit: checkHypervisorBit) { range in
            if range.isXen { xen = range }
            return xen == nil
        }
        return xen
    }

    /// The scan itself, once: hands each range in use to `body` in leaf order until `body` returns
    /// false; returns CPUID.1:ECX[31] when it was read.
    static func visit(
        _ source: any CPUIDSource, mode: ScanMode, checkHypervisorBit: Bool,
        _ body: (HypervisorRange) -> Bool
    ) throws(CPUIDSourceError) -> Bool? {
        var bit: Bool? = nil
        if checkHypervisorBit {
            let leaf1 = try source.cpuid(leaf: 1, subleaf: 0)
            bit = leaf1.ecx & cpuidLeaf1HypervisorBit != 0
            if bit == false { return bit }
        }
        var base = hypervisorLeafFirst
        while true {
            let range = HypervisorRange(leafBase: base, registers: try source.cpuid(leaf: base, subleaf: 0))
            if range.isInUse {
                if !body(range) { break }
            } else if mode == .firstUnused {
                break
            }
            if mode == .firstBaseOnly || base == hypervisorLeafLastBase { break }
            base += hypervisorLeafStride
        }
        return bit
    }
}
