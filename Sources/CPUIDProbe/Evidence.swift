import Rendering
import XenSystem

/// One observation the probe made — a sysfs or procfs file it read, a CPUID leaf, the
/// forced-emulation probe — what it returned, and which verdicts of the report it fed. The readable
/// form of systemd-detect-virt's debug log: a person who gets a surprising answer sees why.
/// Built from the same values the verdicts were decided from (`ProbeReport.evidence`), so it
/// cannot tell a different story than the decision.
public struct Evidence: Equatable, Sendable {
    /// A verdict of the report.
    public enum Verdict: String, Sendable, Equatable, CaseIterable {
        /// Whether Xen runs this guest (`ProbeReport.xenDetected`).
        case detected
        /// PV, HVM or PVH (`ProbeReport.context`).
        case context
        /// dom0 or domU (`ProbeReport.domain`).
        case domain
        /// Xen's major.minor (`ProbeReport.version`).
        case version
        /// The hypervisors in the CPUID leaves (`ProbeReport.hypervisors`).
        case stack
    }

    /// Where the observation came from.
    public enum Kind: String, Sendable, Equatable {
        /// A file of Linux's /sys/hypervisor (drivers/xen/sys-hypervisor.c).
        case sysfs
        /// /proc/xen/capabilities (Linux drivers/xen/xenfs/super.c).
        case procfs
        /// A plain CPUID leaf (from the source the report names).
        case cpuid
        /// CPUID behind Xen's forced-emulation prefix (public/arch-x86/xen.h XEN_EMULATE_PREFIX).
        case forcedEmulation
    }

    /// Where the observation came from.
    public let kind: Kind
    /// What was read: a path, or "CPUID 0x40000001".
    public let probe: String
    /// What it returned, as text ("PVH", "eax=0x00040011 (4.17)", "absent").
    public let returned: String
    /// True when reading it needs root (the /dev/cpu/N/cpuid source; sysfs, procfs and the CPUID
    /// instruction do not).
    public let needsRoot: Bool
    /// The verdicts it fed; empty when it was read but decided nothing.
    public let feeds: [Verdict]

    /// An observation.
    public init(kind: Kind, probe: String, returned: String, needsRoot: Bool, feeds: [Verdict]) {
        self.kind = kind
        self.probe = probe
        self.returned = returned
        self.needsRoot = needsRoot
        self.feeds = feeds
    }
}

extension ProbeReport {
    /// Every observation behind the report's verdicts, in the order the probe made them.
    public var evidence: [Evidence] {
        var rows: [Evidence] = []
        let bySysfs = decision.decidedBy == .sysfs
        let byCPUID = decision.decidedBy == .cpuid
        let versionFromLeaves = xen != nil
        func add(_ kind: Evidence.Kind, _ probe: String, _ returned: String, _ feeds: [Evidence.Verdict?],
                 root: Bool = false) {
            rows.append(Evidence(kind: kind, probe: probe, returned: returned, needsRoot: root, feeds: feeds.compactMap { $0 }))
        }
        func value(_ text: String?) -> String { SysfsHypervisor.chopped(text).map { "\"\($0)\"" } ?? "absent" }

        if let sysfs {
            let root = SysfsHypervisor.root
            add(.sysfs, root + "/type", value(sysfs.type), [bySysfs ? .detected : nil])
            if sysfs.isXen {
                add(.sysfs, root + "/guest_type", value(sysfs.guestType), [bySysfs && sysfs.guestType != nil ? .context : nil])
                let fromSysfs = !versionFromLeaves && sysfs.version != nil
                add(.sysfs, root + "/version/major", value(sysfs.versionMajor), [fromSysfs ? .version : nil])
                add(.sysfs, root + "/version/minor", value(sysfs.versionMinor), [fromSysfs ? .version : nil])
                if sysfs.features != nil || domainSource == .features {
                    let dom0 = sysfs.dom0Feature.map { $0 ? " (XENFEAT_dom0 set)" : " (XENFEAT_dom0 clear)" } ?? ""
                    add(.sysfs, root + "/properties/features", value(sysfs.features) + dom0,
                        [domainSource == .features ? .domain : nil])
                }
            }
        }
        if let capabilities {
            let text = capabilities.trimmingSuffix("\n")
            add(.procfs, DomainRoleSource.capabilitiesPath, text.isEmpty ? "\"\" (empty: not the control domain)" : "\"\(text)\"",
                [domainSource == .capabilities ? .domain : nil])
        }

        let devcpu = source.hasPrefix("devcpu")
        // Plain CPUID found no Xen and nothing after it looked: the scan itself is why "not Xen".
        let absentByCPUID = byCPUID && decision.outcome == .none
        if let bit = scan.hypervisorBit {
            add(.cpuid, "CPUID 0x00000001 ECX[31]", bit ? "set (a hypervisor is present)" : "clear (no hypervisor)",
                [.stack, absentByCPUID ? .detected : nil], root: devcpu)
        }
        let forcedRanges = xenView == .forcedEmulation ? (pvScan?.ranges ?? []) : []
        for r in scan.ranges {
            let isXen = xen?.range == r && xenView == .cpuid
            add(.cpuid, "CPUID \(hex32(r.leafBase))", "\"\(r.signature)\", max leaf \(hex32(r.maxLeaf))",
                [.stack, (isXen && byCPUID) || absentByCPUID ? .detected : nil], root: devcpu)
        }
        if let xen {
            let forced = xenView == .forcedEmulation
            let kind: Evidence.Kind = forced ? .forcedEmulation : .cpuid
            let base = xen.range.leafBase
            let decidedHere = forced ? decision.decidedBy == .forcedEmulation : byCPUID
            if forced {
                add(kind, "CPUID \(hex32(base))", "\"\(xen.range.signature)\", max leaf \(hex32(xen.range.maxLeaf))",
                    [.stack, decidedHere ? .detected : nil])
            }
            add(kind, "CPUID \(hex32(base + XenLeaves.versionLeaf))", "eax=\(hex32(xen.version.eax)) (\(xen.version))",
                [.version, decidedHere ? .context : nil], root: devcpu && !forced)
            let preserveAD = xen.hypercall.features1.contains(.mmuPTUpdatePreserveAD)
            add(kind, "CPUID \(hex32(base + XenLeaves.hypercallLeaf))",
                "\(xen.hypercall.hypercallPages) page(s), MSR \(hex32(xen.hypercall.msrBase)), features \(hex32(xen.hypercall.features1.rawValue))"
                    + (preserveAD ? " (MMU_PT_UPDATE_PRESERVE_AD: PV only)" : ""),
                [decidedHere && !forced ? .context : nil], root: devcpu && !forced)
            if let hvm = xen.hvm {
                add(kind, "CPUID \(hex32(base + XenLeaves.hvmLeaf))",
                    "features \(hex32(hvm.features.rawValue))" + (hvm.domainID.map { ", domain id \($0)" } ?? ""),
                    [domainSource == .domainID ? .domain : nil], root: devcpu && !forced)
            }
        }
        if forcedRanges.isEmpty, decision.decidedBy == .forcedEmulation || forcedEmulationFaults > 0 || pvScan != nil {
            let returned = forcedEmulationFaults > 0
                ? "faulted (SIGILL): not a PV guest" : "no Xen signature at \(hex32(hypervisorLeafFirst))"
            let decided = decision.decidedBy == .forcedEmulation
            add(.forcedEmulation, "CPUID \(hex32(hypervisorLeafFirst)) (forced emulation)", returned,
                [decided ? .detected : nil, decided && decision.outcome == .pv ? .context : nil])
        }
        return rows
    }
}

extension Evidence {
    /// `{"kind","probe","returned","needsRoot","feeds"}` (docs: README, "The JSON report").
    package var json: JSONValue {
        .object([
            ("kind", .string(kind.rawValue)), ("probe", .string(probe)), ("returned", .string(returned)),
            ("needsRoot", .bool(needsRoot)), ("feeds", .array(feeds.map { .string($0.rawValue) })),
        ])
    }
}

extension XenVersion {
    /// The version as leaf base+1 EAX holds it (major << 16 | minor).
    var eax: UInt32 { UInt32(major) << 16 | UInt32(minor) }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
