import XenSystem

/// The decision Xen's own xen-detect makes (tools/misc/xen-detect.c, Xen 4.17), reproduced
/// step for step, so that the drop-in prints the same line and exits the same way:
/// 1. /sys/hypervisor, when it is a directory: type must be "xen", guest_type names the context,
///    version/{major,minor} the version (no CPUID at all);
/// 2. otherwise plain CPUID: Xen's signature with max leaf >= base+2 and without
///    MMU_PT_UPDATE_PRESERVE_AD (a PV-only feature seen through CPUID faulting) means HVM;
/// 3. otherwise CPUID behind the forced-emulation prefix at 0x40000000 means PV.
/// The CPUID scan stops at the first unused 0x100 boundary instead of reading all 256.
public struct DropInDetection: Equatable, Sendable {
    /// xen-detect's three outcomes (`enum guest_type`).
    public enum Outcome: Equatable, Sendable {
        case pv, hvm, none
    }

    public let outcome: Outcome
    /// The context word it prints: "PV", "HVM", or guest_type's content (e.g. "PVH").
    public let typeText: String
    /// "V4.17", or "unknown version" when sysfs lacks it.
    public let versionText: String

    /// The line xen-detect prints without -q.
    public var line: String {
        outcome == .none ? "Not running on Xen." : "Running in \(typeText) context on Xen \(versionText)."
    }

    public static func detect(
        system: any SystemCalls, plain: any CPUIDSource, pv: any CPUIDSource, mode: ScanMode = .firstUnused
    ) throws(CPUIDSourceError) -> DropInDetection {
        if let verdict = fromSysfs(system) { return verdict }
        if let version = try hvmVersion(plain, mode: mode) {
            return DropInDetection(outcome: .hvm, typeText: "HVM", versionText: versionText(version))
        }
        do {
            if let version = try pvVersion(pv) {
                return DropInDetection(outcome: .pv, typeText: "PV", versionText: versionText(version))
            }
        } catch .notPVContext {
            // The escaped CPUID faulted: not a PV guest.
        }
        return DropInDetection(outcome: .none, typeText: "", versionText: "")
    }

    static func versionText(_ eax: UInt32) -> String {
        "V\(UInt16(eax >> 16)).\(UInt16(eax & 0xffff))"
    }

    /// Step 1; nil means "ask CPUID" (no /sys/hypervisor, or guest_type unreadable).
    static func fromSysfs(_ system: any SystemCalls) -> DropInDetection? {
        guard system.isDirectory(SysfsHypervisor.root) else { return nil }
        func file(_ name: String) -> String? {
            system.readSmallFile(SysfsHypervisor.root + "/" + name).map { String(decoding: $0, as: UTF8.self) }
        }
        guard file("type") == "xen\n" else {
            return DropInDetection(outcome: .none, typeText: "", versionText: "")
        }
        guard let guestType = SysfsHypervisor.chopped(file("guest_type")) else { return nil }
        let major = SysfsHypervisor.chopped(file("version/major"))
        let minor = SysfsHypervisor.chopped(file("version/minor"))
        let version: String
        if let major, let minor { version = "V\(major).\(minor)" } else { version = "unknown version" }
        return DropInDetection(outcome: guestType == "PV" ? .pv : .hvm, typeText: guestType, versionText: version)
    }

    /// Step 2: base+1 EAX when an un-escaped scan finds Xen in an HVM-like context.
    static func hvmVersion(_ plain: any CPUIDSource, mode: ScanMode) throws(CPUIDSourceError) -> UInt32? {
        let scan = try HypervisorScan.scan(plain, mode: mode, checkHypervisorBit: mode != .exhaustive, stopAtXen: true)
        guard let xen = scan.xen else { return nil }
        let features = XenHypercallLeaf(try plain.cpuid(leaf: xen.leafBase + XenLeaves.hypercallLeaf, subleaf: 0))
        if features.features1.contains(.mmuPTUpdatePreserveAD) { return nil }
        let eax = try plain.cpuid(leaf: xen.leafBase + XenLeaves.versionLeaf, subleaf: 0).eax
        return eax == 0 ? nil : eax
    }

    /// Step 3: base+1 EAX through the forced-emulation prefix (Xen's leaves sit at the first base in PV).
    static func pvVersion(_ pv: any CPUIDSource) throws(CPUIDSourceError) -> UInt32? {
        let scan = try HypervisorScan.scan(pv, mode: .firstBaseOnly, checkHypervisorBit: false)
        guard let xen = scan.xen else { return nil }
        let eax = try pv.cpuid(leaf: xen.leafBase + XenLeaves.versionLeaf, subleaf: 0).eax
        return eax == 0 ? nil : eax
    }
}

extension DropInDetection {
    /// The drop-in line for a full report (used with --source, where sysfs is not consulted
    /// for offline sources).
    public static func line(for report: ProbeReport) -> String {
        guard report.xenDetected else { return "Not running on Xen." }
        let type = report.context?.rawValue ?? "HVM"
        let version = report.version.map { "V\($0.major).\($0.minor)" } ?? "unknown version"
        return "Running in \(type) context on Xen \(version)."
    }
}
