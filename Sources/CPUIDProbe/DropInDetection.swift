import XenSystem

/// The one decision "is this Xen, and in which context": the one Xen's own xen-detect makes
/// (tools/misc/xen-detect.c, Xen 4.17), step for step, so that the drop-in prints the same line
/// and exits the same way. Every rendering — the drop-in's line and exit status, the report's
/// `xen.detected`/`context`/`contextSource`, the hypercall-page target — renders this value;
/// nothing else decides.
/// 1. /sys/hypervisor, when it is a directory: type must be "xen", guest_type names the context,
///    version/{major,minor} the version (no CPUID at all);
/// 2. otherwise plain CPUID: Xen's signature with max leaf >= base+2, a version, and without
///    MMU_PT_UPDATE_PRESERVE_AD (a PV-only feature seen through CPUID faulting) means HVM;
/// 3. otherwise CPUID behind the forced-emulation prefix at 0x40000000 means PV. Offline (a dump,
///    no forced-emulation view) step 3 cannot run: plain CPUID showing Xen with the PV-only
///    feature then means PV, which is what step 3 would find on that machine.
public struct DropInDetection: Equatable, Sendable {
    /// xen-detect's three outcomes (`enum guest_type`).
    public enum Outcome: Equatable, Sendable {
        /// XEN_PV: a PV guest.
        case pv
        /// XEN_HVM: a guest that is not PV, PVH included (sysfs's guest_type then names which).
        case hvm
        /// XEN_NONE: not running on Xen ("Not running on Xen.").
        case none
    }

    /// The step that decided.
    public enum Step: String, Equatable, Sendable {
        /// /sys/hypervisor (type, guest_type).
        case sysfs
        /// Plain CPUID (for PV offline: Xen's leaves with the PV-only feature).
        case cpuid
        /// CPUID behind the forced-emulation prefix, or its fault.
        case forcedEmulation
    }

    /// What plain CPUID shows of Xen: its leaf base, leaf base+2's PV-only feature, and leaf
    /// base+1's version (nil when not read: xen-detect stops at the PV-only feature).
    public struct Sighting: Equatable, Sendable {
        /// The base leaf of Xen's range (0x40000000, or 0x40000100 behind Viridian).
        public let leafBase: UInt32
        /// Leaf base+2 ECX has XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD (public/arch-x86/cpuid.h).
        public let pvOnlyFeature: Bool
        /// Leaf base+1's version; nil when not read.
        public let version: XenVersion?
        /// A sighting of these values (tests and offline readers).
        public init(leafBase: UInt32, pvOnlyFeature: Bool, version: XenVersion?) {
            self.leafBase = leafBase; self.pvOnlyFeature = pvOnlyFeature; self.version = version
        }
        /// From decoded leaves.
        public init(_ leaves: XenLeaves) {
            self.init(leafBase: leaves.range.leafBase,
                      pvOnlyFeature: leaves.hypercall.features1.contains(.mmuPTUpdatePreserveAD),
                      version: leaves.version)
        }
        /// xen-detect reads a zero version as "no Xen here".
        var hasVersion: Bool { version.map(DropInDetection.isVersion) ?? false }
        /// Step 2's test: plain CPUID shows Xen as an HVM-like guest's hypervisor.
        public var decidesHVM: Bool { hasVersion && !pvOnlyFeature }
    }

    /// Which of xen-detect's three answers this is.
    public let outcome: Outcome
    /// The context word it prints: "PV", "HVM", or guest_type's content (e.g. "PVH").
    public let typeText: String
    /// "V4.17", or "unknown version" when sysfs lacks it.
    public let versionText: String
    /// The step that decided.
    public let decidedBy: Step

    /// A decision with these parts, as `decide` makes it (tests build expected values with it).
    public init(outcome: Outcome, typeText: String, versionText: String, decidedBy: Step) {
        self.outcome = outcome; self.typeText = typeText; self.versionText = versionText; self.decidedBy = decidedBy
    }

    /// The line xen-detect prints without -q.
    public var line: String {
        outcome == .none ? "Not running on Xen." : "Running in \(typeText) context on Xen \(versionText)."
    }

    /// The context, when Xen was found and names one this tool knows.
    public var context: XenGuestContext? { outcome == .none ? nil : XenGuestContext(rawValue: typeText) }

    /// The decision. Each step's evidence is asked for only when the steps before did not decide:
    /// `sysfs` is nil when /sys/hypervisor is no directory (or is not read, offline); `plain`
    /// gives plain CPUID's sighting; `forced` the version behind the forced-emulation prefix (nil
    /// when that view shows no Xen; throwing `.notPVContext` when the probe faulted), or is nil
    /// when there is no such view (offline).
    public static func decide(
        sysfs: SysfsHypervisor?,
        plain: () throws(CPUIDSourceError) -> Sighting?,
        forced: (() throws(CPUIDSourceError) -> XenVersion?)?
    ) throws(CPUIDSourceError) -> DropInDetection {
        if let sysfs {
            guard sysfs.isXen else { return DropInDetection(none: .sysfs) }
            if let guestType = SysfsHypervisor.chopped(sysfs.guestType) {
                let major = SysfsHypervisor.chopped(sysfs.versionMajor)
                let minor = SysfsHypervisor.chopped(sysfs.versionMinor)
                let version: String
                if let major, let minor { version = "V\(major).\(minor)" } else { version = "unknown version" }
                return DropInDetection(outcome: guestType == "PV" ? .pv : .hvm, typeText: guestType,
                                       versionText: version, decidedBy: .sysfs)
            }
        }
        let seen = try plain()
        if let seen, seen.decidesHVM {
            return DropInDetection(outcome: .hvm, typeText: "HVM", versionText: versionText(seen.version!), decidedBy: .cpuid)
        }
        guard let forced else {
            if let seen, seen.pvOnlyFeature, let version = seen.version, isVersion(version) {
                return DropInDetection(outcome: .pv, typeText: "PV", versionText: versionText(version), decidedBy: .cpuid)
            }
            return DropInDetection(none: .cpuid)
        }
        do {
            if let version = try forced(), isVersion(version) {
                return DropInDetection(outcome: .pv, typeText: "PV", versionText: versionText(version),
                                       decidedBy: .forcedEmulation)
            }
        } catch .notPVContext {
            // The escaped CPUID faulted: not a PV guest.
        }
        return DropInDetection(none: .forcedEmulation)
    }

    init(none step: Step) { self.init(outcome: .none, typeText: "", versionText: "", decidedBy: step) }

    static func versionText(_ v: XenVersion) -> String { "V\(v.major).\(v.minor)" }
    /// xen-detect's check_for_xen returns leaf base+1 EAX and its caller reads 0 as "not found".
    static func isVersion(_ v: XenVersion) -> Bool { v.major != 0 || v.minor != 0 }

    /// The lean live decision of the plain drop-in: reads only what each step needs (no CPUID at
    /// all when sysfs decides; the scan stops at Xen's range).
    public static func detect(
        system: any SystemCalls, plain: any CPUIDSource, pv: any CPUIDSource, mode: ScanMode = .firstUnused
    ) throws(CPUIDSourceError) -> DropInDetection {
        try decide(
            sysfs: SysfsHypervisor.read(system, only: .dropIn),
            plain: { () throws(CPUIDSourceError) in
                let xen = try HypervisorScan.firstXen(plain, mode: mode, checkHypervisorBit: mode != .exhaustive)
                return try xen.map { range throws(CPUIDSourceError) in try sighting(plain, range) }
            },
            forced: { () throws(CPUIDSourceError) in
                let xen = try HypervisorScan.firstXen(pv, mode: .firstBaseOnly, checkHypervisorBit: false)
                return try xen.map { range throws(CPUIDSourceError) in
                    XenVersion(eax: try pv.cpuid(leaf: range.leafBase + XenLeaves.versionLeaf, subleaf: 0).eax)
                }
            })
    }

    /// Leaves base+2 (features) then base+1 (version), as xen-detect reads them.
    static func sighting(_ source: any CPUIDSource, _ range: HypervisorRange) throws(CPUIDSourceError) -> Sighting {
        let features = XenHypercallLeaf(try source.cpuid(leaf: range.leafBase + XenLeaves.hypercallLeaf, subleaf: 0))
        let pvOnly = features.features1.contains(.mmuPTUpdatePreserveAD)
        // xen-detect stops before reading the version when the PV-only feature shows.
        if pvOnly { return Sighting(leafBase: range.leafBase, pvOnlyFeature: true, version: nil) }
        let eax = try source.cpuid(leaf: range.leafBase + XenLeaves.versionLeaf, subleaf: 0).eax
        return Sighting(leafBase: range.leafBase, pvOnlyFeature: false, version: XenVersion(eax: eax))
    }
}
