import CPUIDProbe
import XenStore
import XenSystem

/// This domain's id, as a grant must name it (Xen's map_grant_ref looks the granting domain up
/// by id, rcu_lock_domain_by_id, which does not accept DOMID_SELF: xen/common/grant_table.c), and
/// where it was read.
public struct SelfDomain: Equatable, Sendable {
    /// Where the id came from.
    public enum Source: String, Sendable {
        /// ECX of Xen's HVM leaf (base+4) with XEN_HVM_CPUID_DOMID_PRESENT (public/arch-x86/cpuid.h):
        /// HVM and PVH guests, dom0 included.
        case hvmCPUIDLeaf = "cpuid"
        /// /proc/xen/capabilities says "control_d" (Linux drivers/xen/xenfs/super.c): the initial
        /// domain, whose id is 0 (Xen creates dom0 as domain 0: xen/arch/x86/setup.c).
        case controlDomain = "capabilities"
        /// This domain's `domid` node in xenstore (relative: /local/domain/<id>/domid, which the
        /// toolstack writes when it creates the domain): the only source in a PV domU.
        case xenstore = "xenstore"
    }

    /// The domain id.
    public let id: UInt16
    /// Where it was read.
    public let source: Source

    /// A known id.
    public init(id: UInt16, source: Source) {
        self.id = id
        self.source = source
    }

    /// The Linux file that says whether this is the control domain.
    public static let capabilitiesPath = "/proc/xen/capabilities"

    /// The HVM CPUID leaf's domid when Xen publishes it, else 0 when this is the control domain,
    /// else this domain's `domid` node in xenstore when `xenstore` gives a reader (opened only
    /// then: a PV domU), else nil.
    public static func resolve(system: any SystemCalls, cpuid: any CPUIDSource,
                               xenstore: () -> (any XenStoreReading)? = { nil }) -> SelfDomain? {
        if let scan = try? HypervisorScan.scan(cpuid, mode: .firstUnused, checkHypervisorBit: false, stopAtXen: true),
           let xen = scan.xen, let leaves = try? XenLeaves.read(cpuid, range: xen),
           let id = leaves.hvm?.domainID, let small = UInt16(exactly: id) {
            return SelfDomain(id: small, source: .hvmCPUIDLeaf)
        }
        if let caps = system.readLine(capabilitiesPath), caps.split(separator: ",").contains("control_d") {
            return SelfDomain(id: 0, source: .controlDomain)
        }
        if let reader = xenstore(), let text = try? reader.read(domidNode), let id = UInt16(text) {
            return SelfDomain(id: id, source: .xenstore)
        }
        return nil
    }

    /// The xenstore node holding this domain's id, relative to its home /local/domain/<id>.
    public static let domidNode = "domid"
}
