import XenInterface
import XenSystem
import XenSystemTesting

/// A /dev/xen/privcmd whose "Xen" answers GNTTABOP_copy between grants of a `RecordingXenDevices`
/// fake as xen/common/grant_table.c does for a domain's own table: both sides must name a grant
/// reference of DOMID_SELF (GNTCOPY_source_gref | GNTCOPY_dest_gref), each reference must be
/// allocated (else GNTST_bad_gntref) and granted to the calling domain (else
/// GNTST_permission_denied), and each range must stay in its page (else GNTST_bad_copy_arg).
/// It reads and writes the entry in the argument buffer through the struct's catalog layout,
/// the one the code under test encodes with (proven against gcc by the layout tests).
enum SimulatedGrantCopy {
    /// A privcmd for `devices` as seen by domain `caller`; `rc` forces the hypercall's return
    /// value (-1: the kernel's EPERM), `status` forces every entry's status, and `copies: false`
    /// answers GNTST_okay without copying (a broken grant path).
    static func privcmd(for devices: RecordingXenDevices, caller: UInt16, rc: Int64 = 0,
                        status forced: GrantStatus? = nil, copies: Bool = true) -> RecordingHypervisorSystem {
        let system = RecordingHypervisorSystem()
        system.devices.insert(XenDevice.privcmd.path)
        let grantTableOp = UInt64(HypercallNumber.grant_table_op.rawValue)
        system.hypervisor = { op, arguments, write, read in
            // A forced return value answers every call (a blocked privcmd refuses xen_version too).
            if rc != 0 { return rc }
            guard op == grantTableOp, arguments.count >= 3, arguments[0] == UInt64(GNTTABOP.copy) else { return -38 }
            let layout = StructDescription.gnttab_copy.layout64
            guard arguments[2] == 1, let bytes = read(arguments[1], layout.size), var entry = try? layout.decode(bytes) else { return -14 }
            let status = forced ?? copy(entry, devices, caller, copies)
            entry["status"] = UInt64(bitPattern: Int64(status.rawValue))  // sign-extended, as the codec holds signed fields
            guard let encoded = try? layout.encode(entry), write(arguments[1], encoded) else { return -14 }
            return 0
        }
        return system
    }

    static func copy(_ entry: StructValue, _ devices: RecordingXenDevices, _ caller: UInt16, _ copies: Bool) -> GrantStatus {
        let both = UInt64(GNTCOPY.source_gref | GNTCOPY.dest_gref)
        guard entry["flags"] == both, entry["source.domid"] == UInt64(DOMID_SELF), entry["dest.domid"] == UInt64(DOMID_SELF) else {
            return .permission_denied
        }
        let sourceRef = UInt32(entry["source.u.ref"] ?? 0), destinationRef = UInt32(entry["dest.u.ref"] ?? 0)
        guard let source = devices.allocatedGrant(sourceRef), let destination = devices.allocatedGrant(destinationRef) else { return .bad_gntref }
        guard source.domain == caller, destination.domain == caller else { return .permission_denied }
        let from = Int(entry["source.offset"] ?? 0), to = Int(entry["dest.offset"] ?? 0), length = Int(entry["len"] ?? 0)
        guard from + length <= 4096, to + length <= 4096 else { return .bad_copy_arg }
        if copies { _ = devices.writeAllocatedGrant(destinationRef, offset: to, Array(source.bytes[from..<(from + length)])) }
        return .okay
    }
}
