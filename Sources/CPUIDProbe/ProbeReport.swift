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
    /// Plain CPUID's view of the hypervisor range.
    public let scan: HypervisorScan
    /// The forced-emulation view, when the probe ran and did not fault.
    public let pvScan: HypervisorScan?
    /// Xen's leaves, from whichever view shows Xen as the guest's own hypervisor.
    public let xen: XenLeaves?
    public let xenView: XenView?
    public let sysfs: SysfsHypervisor?
    public let context: XenGuestContext?
    /// "sysfs" or "cpuid": what decided the context.
    public let contextSource: String?
    public let domain: XenDomainRole?
    public let kvm: KVMFeatureLeaf?
    public let hyperV: HyperVInterfaceLeaf?
    /// CPUID instructions executed (each a VM exit in a guest), escaped ones included.
    public let cpuidExecutions: Int
    /// Forced-emulation probes that faulted (not a Xen PV guest).
    public let forcedEmulationFaults: Int

    public var xenDetected: Bool { xen != nil || sysfs?.isXen == true }

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
    /// show Xen as an HVM guest's hypervisor.
    public static func probe(
        source plainSource: any CPUIDSource, pv pvSource: (any CPUIDSource)?,
        system: (any SystemCalls)?, mode scanMode: ScanMode = .firstUnused
    ) throws(CPUIDSourceError) -> ProbeReport {
        let plain = CountingCPUID(plainSource)
        let pv = pvSource.map(CountingCPUID.init)
        let sysfs = system.flatMap(SysfsHypervisor.read)

        let scan = try HypervisorScan.scan(plain, mode: scanMode, checkHypervisorBit: scanMode != .exhaustive)
        var xen: XenLeaves? = nil
        var view: XenView? = nil
        var pvLike = false
        if let range = scan.xen {
            let leaves = try XenLeaves.read(plain, range: range)
            pvLike = leaves.hypercall.features1.contains(.mmuPTUpdatePreserveAD)
            xen = leaves
            view = .cpuid
        }
        var pvScan: HypervisorScan? = nil
        if let pv, xen == nil || pvLike {
            do {
                let s = try HypervisorScan.scan(pv, mode: .firstBaseOnly, checkHypervisorBit: false)
                pvScan = s
                if let range = s.xen {
                    xen = try XenLeaves.read(pv, range: range)
                    view = .forcedEmulation
                    pvLike = true
                }
            } catch .notPVContext {
                pvScan = nil
            }
        }

        var context: XenGuestContext? = nil
        var contextSource: String? = nil
        if let sysfs, sysfs.isXen, let c = sysfs.guestContext {
            context = c
            contextSource = "sysfs"
        } else if xen != nil {
            context = pvLike ? .pv : .hvm
            contextSource = "cpuid"
        }

        let domain: XenDomainRole?
        if let system, xen != nil || sysfs?.isXen == true {
            domain = readDomainRole(system, sysfs: sysfs)
        } else {
            domain = nil
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
            source: plainSource.name, scan: scan, pvScan: pvScan, xen: xen, xenView: view, sysfs: sysfs,
            context: context, contextSource: contextSource, domain: domain, kvm: kvm, hyperV: hyperV,
            cpuidExecutions: plain.executions + (pv?.executions ?? 0), forcedEmulationFaults: pv?.faults ?? 0)
    }
}
