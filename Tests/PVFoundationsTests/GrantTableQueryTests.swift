import Testing
import PVExtensions
@testable import PVFoundations
import PrivcmdHypercalls
import XenInterface
import XenSystem
import XenSystemTesting

/// The grant-tables row's version and frames: Xen's answers through privcmd, or why not.
struct GrantTableQueryTests {
    static let grantTableOp = UInt64(HypercallNumber.grant_table_op.rawValue)

    /// "Xen" answering version 1 and 2 of 32 frames; `rc` forces every call's return value.
    func privcmd(rc: Int64 = 0) -> RecordingHypervisorSystem {
        let fake = RecordingHypervisorSystem()
        fake.devices = [XenDevice.privcmd.path]
        fake.hypervisor = { op, a, write, _ in
            if rc != 0 { return rc }
            guard op == Self.grantTableOp else { return 0x4_0011 }  // XENVER_version: 4.17
            let layout: StructLayout, fields: StructValue
            switch UInt32(a[0]) {
            case GNTTABOP.get_version:
                (layout, fields) = (StructDescription.gnttab_get_version.layout64, StructValue(["dom": [0x7ff0], "version": [1]]))
            case GNTTABOP.query_size:
                (layout, fields) = (StructDescription.gnttab_query_size.layout64, StructValue(["dom": [0x7ff0], "nr_frames": [2], "max_nr_frames": [32]]))
            default: return -38
            }
            return write(a[1], (try? layout.encode(fields)) ?? []) ? 0 : -14
        }
        return fake
    }

    @Test func xensAnswersFillTheRow() {
        let info = GrantTableInfo.query(privcmd())
        #expect(info == GrantTableInfo(version: 1, framesInUse: 2, maxFrames: 32))
        #expect(info.unknownBecause == nil)
    }

    @Test func whyNotIsOneLine() {
        let none = RecordingHypervisorSystem()
        #expect(GrantTableInfo.query(none).unknownBecause == "not in sysfs, and no /dev/xen/privcmd: not a Xen guest, or xenfs/xen-privcmd is not loaded")
        let blocked = GrantTableInfo.query(privcmd(rc: -1))
        #expect(blocked.version == nil && blocked.unknownBecause == "not in sysfs, and " + PrivcmdHypercaller.kernelBlocksMessage)
        let refused = GrantTableInfo.query(privcmd(rc: -38))
        #expect(refused.unknownBecause?.hasPrefix("not in sysfs, and GNTTABOP_get_version: Xen answered -ENOSYS") == true)
    }

    @Test func theInventoryRendersEitherWay() {
        let before = SelfTestVerificationTests().inventory()
        #expect(before.grantTable == GrantTableInfo.notInSysfs)
        #expect(before.text.contains("grant table: version ?, frames ?/? (not in sysfs (GNTTABOP_query_size answers it through /dev/xen/privcmd, as root))"))
        let after = before.with(grantTable: GrantTableInfo.query(privcmd()))
        #expect(after.text.contains("grant table: version 1, frames 2/32 (GNTTABOP_get_version, GNTTABOP_query_size)"))
        #expect(after.json.rendered.contains("\"unknownBecause\":null") || after.json.rendered.contains("\"unknownBecause\": null"))
        #expect(after.extensions == before.extensions)
    }
}
