import XenSystem

/// Everything the probe learns: the hypervisor stack as plain CPUID shows it, the PV view behind
/// the forced-emulation prefix, Xen's decoded leaves, the context and the domain role.
public struct ProbeReport: Equatable, Sendable {
    /// How the report was made: live on this machine, or offline from a recorded source.
    public enum Mode: Equatable, Sendable {
        /// Native CPUID plus sysfs, /proc/xen and the forced-emulation probe.
        case live
        /// A CPUID source only (a dump, /dev/cpu, the PV view): nothing else of the host is read.
        case offline
    }

    /// Where Xen's leaves were read.
    public enum XenView: String, Equatable, Sendable {
        /// Plain CPUID (HVM, PVH, or a PV guest on CPUID-faulting hardware).
        case cpuid
        /// CPUID behind the forced-emulation prefix (PV).
        case forcedEmulation
    }

    /// The source's name ("native", "devcpu:0", "dump:FILE").
    public let source: String
    /// The scan mode the plain scan used (`firstBaseOnly` for the PV view as the source).
    public let scanMode: ScanMode
    /// Plain CPUID's view of the hypervisor range.
    public let scan: HypervisorScan
    /// The forced-emulation view, when the probe ran and did not fault.
    public let pvScan: HypervisorScan?
    /// Xen's leaves, from whichever view shows Xen as the guest's own hypervisor.
    public let xen: XenLeaves?
    /// The view `xen` was read through; nil when no view shows Xen.
    public let xenView: XenView?
    /// /sys/hypervisor as read live; nil offline or when it is not a directory.
    public let sysfs: SysfsHypervisor?
    /// The one decision (xen-detect's), of which `xenDetected`, `context` and `contextSource` are
    /// renderings; the drop-in prints its line.
    public let decision: DropInDetection
    /// dom0 or domU, when Xen was found and something told (`domainSource`); nil otherwise.
    public let domain: XenDomainRole?
    /// What told the domain role.
    public let domainSource: DomainRoleSource?
    /// /proc/xen/capabilities as read (nil when absent or not read: offline, or Xen not detected).
    public let capabilities: String?
    /// KVM's feature leaf, when plain CPUID shows a "KVMKVMKVM" range with a leaf base+1.
    public let kvm: KVMFeatureLeaf?
    /// Hyper-V's interface leaf, when plain CPUID shows a "Microsoft Hv" range (Viridian included)
    /// with a leaf base+1.
    public let hyperV: HyperVInterfaceLeaf?
    /// CPUID instructions executed (each a VM exit in a guest), escaped ones included.
    public let cpuidExecutions: Int
    /// Forced-emulation probes that faulted (not a Xen PV guest).
    public let forcedEmulationFaults: Int

    /// Xen was found, as the decision says.
    public var xenDetected: Bool { decision.outcome != .none }
    /// The decision's context (PV, HVM, PVH), nil without Xen.
    public var context: XenGuestContext? { decision.context }
    /// "sysfs" or "cpuid" (plain or behind the forced-emulation prefix): what decided the context.
    public var contextSource: String? {
        guard xenDetected else { return nil }
        return decision.decidedBy == .sysfs ? "sysfs" : "cpuid"
    }

    /// The version: CPUID's when Xen's leaves were read, else sysfs's.
    public var version: XenVersion? { xen?.version ?? (sysfs?.isXen == true ? sysfs?.version : nil) }

    /// Every hypervisor in the stack, in leaf order; in PV the layer below (plain CPUID) and Xen
    /// (forced emulation) both appear, the forced-emulation view first as Xen is the nearer layer.
    public var hypervisors: [HypervisorRange] {
        var result: [HypervisorRange] = []
        if let pvScan, xenView == .forcedEmulation { result += pvScan.ranges }
        for r in scan.ranges where !result.contains(r) { result.append(r) }
        return result
    }

    /// Runs the probe. `pv` is consulted only in live mode, and only when plain CPUID does not
    /// show Xen as an HVM guest's hypervisor (exactly when the decision's step 3 would ask it).
    public static func probe(
        source plainSource: any CPUIDSource, pv pvSource: (any CPUIDSource)?,
        system: (any SystemCalls)?, mode scanMode: ScanMode = .firstUnused
    ) throws(CPUIDSourceError) -> ProbeReport {
        let plain = CountingCPUID(plainSource)
        let pv = pvSource.map(CountingCPUID.init)
        let sysfs = system.flatMap { SysfsHypervisor.read($0) }

        let scan = try HypervisorScan.scan(plain, mode: scanMode, checkHypervisorBit: scanMode != .exhaustive)
        var xen: XenLeaves? = nil
        var view: XenView? = nil
        if let range = scan.xen {
            xen = try XenLeaves.read(plain, range: range)
            view = .cpuid
        }
        let seen = xen.map(DropInDetection.Sighting.init)
        var pvScan: HypervisorScan? = nil
        var pvFaulted = false
        if let pv, !(seen?.decidesHVM ?? false) {
            do {
                let s = try HypervisorScan.scan(pv, mode: .firstBaseOnly, checkHypervisorBit: false)
                pvScan = s
                if let range = s.xen {
                    xen = try XenLeaves.read(pv, range: range)
                    view = .forcedEmulation
                }
            } catch .notPVContext {
                pvFaulted = true
            }
        }
        let forcedVersion = view == .forcedEmulation ? xen?.version : nil
        let decision = try DropInDetection.decide(
            sysfs: sysfs, plain: { seen },
            forced: pv == nil ? nil : { () throws(CPUIDSourceError) -> XenVersion? in
                if pvFaulted { throw .notPVContext }
                return forcedVersion
            })

        var domain: XenDomainRole? = nil
        var domainSource: DomainRoleSource? = nil
        var capabilities: String? = nil
        if decision.outcome != .none {
            capabilities = system.flatMap(DomainRoleSource.readCapabilities)
            if let system, let (role, source) = domainRole(capabilities: capabilities, sysfs: sysfs, system: system) {
                (domain, domainSource) = (role, source)
            } else if let id = xen?.hvm?.domainID {
                // Domain id 0 is the initial control domain (xen/common/domain.c creates dom0 first
                // with id 0); every other domain has a non-zero id.
                (domain, domainSource) = (id == 0 ? .dom0 : .domU, .domainID)
            }
        }

        var kvm: KVMFeatureLeaf? = nil
        var hyperV: HyperVInterfaceLeaf? = nil
        for r in scan.ranges where r.maxLeaf >= r.leafBase + 1 {
            if r.vendor == .kvm, kvm == nil, r.signature == HypervisorSignature(text: "KVMKVMKVM") {
                kvm = KVMFeatureLeaf(try plain.cpuid(leaf: r.leafBase + 1, subleaf: 0))
            } else if r.vendor == .microsoft, hyperV == nil {
                hyperV = HyperVInterfaceLeaf(try plain.cpuid(leaf: r.leafBase + 1, subleaf: 0))
            }
        }

        return ProbeReport(
            source: plainSource.name, scanMode: scanMode, scan: scan, pvScan: pvScan, xen: xen, xenView: view,
            sysfs: sysfs, decision: decision, domain: domain, domainSource: domainSource, capabilities: capabilities, kvm: kvm, hyperV: hyperV,
            cpuidExecutions: plain.executions + (pv?.executions ?? 0), forcedEmulationFaults: pv?.faults ?? 0)
    }
}
