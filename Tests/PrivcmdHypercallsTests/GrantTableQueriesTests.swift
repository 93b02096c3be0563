import Testing
@testable import PrivcmdHypercalls
import XenInterface
import XenSystem
import XenSystemTesting

/// GNTTABOP_query_size, get_version and copy as privcmd hands them to Xen: the entry in the
/// argument buffer (the catalog's layout, proven against gcc), one entry per call, DOMID_SELF,
/// and each answer decoded or its refusal named (an error return, or a status).
struct GrantTableQueriesTests {
    static let grantTableOp = UInt64(HypercallNumber.grant_table_op.rawValue)

    /// A privcmd whose "Xen" fills the query entries: 4 frames of 64 (status forced when asked),
    /// version 1, and records the entries it saw.
    func privcmd(rc: Int64 = 0, status: Int16 = 0) -> RecordingHypervisorSystem {
        let fake = RecordingHypervisorSystem()
        fake.devices = [XenDevice.privcmd.path]
        fake.hypervisor = { op, a, write, read in
            guard op == Self.grantTableOp, a.count == 3, a[2] == 1 else { return -38 }
            if rc != 0 { return rc }
            switch UInt32(a[0]) {
            case GNTTABOP.query_size:
                let l = StructDescription.gnttab_query_size.layout64
                guard var v = read(a[1], l.size).flatMap({ try? l.decode($0) }), v["dom"] == UInt64(DOMID_SELF) else { return -14 }
                v["nr_frames"] = 4; v["max_nr_frames"] = 64; v["status"] = UInt64(bitPattern: Int64(status))
                return write(a[1], (try? l.encode(v)) ?? []) ? 0 : -14
            case GNTTABOP.get_version:
                let l = StructDescription.gnttab_get_version.layout64
                guard var v = read(a[1], l.size).flatMap({ try? l.decode($0) }), v["dom"] == UInt64(DOMID_SELF) else { return -14 }
                v["version"] = 1
                return write(a[1], (try? l.encode(v)) ?? []) ? 0 : -14
            default: return -38
            }
        }
        return fake
    }

    @Test func querySizeAndVersionAreReadOnly() {
        #expect(HypercallEffect.of(.grant_table_op, subop: UInt64(GNTTABOP.query_size)) == .readOnly)
        #expect(HypercallEffect.of(.grant_table_op, subop: UInt64(GNTTABOP.get_version)) == .readOnly)
        for op in [GNTTABOP.copy, GNTTABOP.map_grant_ref, GNTTABOP.setup_table, GNTTABOP.set_version, GNTTABOP.transfer] {
            #expect(HypercallEffect.of(.grant_table_op, subop: UInt64(op)) == .changesState, "\(op)")
        }
    }

    @Test func sizeAndVersionDecoded() throws {
        let caller = try PrivcmdHypercaller(system: privcmd())
        #expect(try caller.grantTableSize() == GrantTableSize(frames: 4, maximumFrames: 64))
        #expect(try caller.grantTableVersion() == 1)
    }

    @Test func refusalsAreNamed() throws {
        do {
            _ = try PrivcmdHypercaller(system: privcmd(status: GrantStatus.bad_domain.rawValue)).grantTableSize()
            Issue.record("no error")
        } catch {
            #expect(error.kind == .refused && error.errno == nil)
            #expect(error.description == "GNTTABOP_query_size: Xen answered GNTST_bad_domain (-2) (Unrecognsed domain id)")
        }
        do {
            _ = try PrivcmdHypercaller(system: privcmd(rc: -38)).grantTableVersion()
            Issue.record("no error")
        } catch {
            #expect(error.kind == .refused && error.errno == Errno(rawValue: 38))
            #expect(error.description.hasPrefix("GNTTABOP_get_version: Xen answered -ENOSYS"))
        }
    }

    /// The copy goes out though it is outside the read-only set (its one typed path), one entry
    /// naming both grants of DOMID_SELF with both gref flags, and its status comes back.
    @Test func ownGrantCopyEncodesOneEntry() throws {
        let fake = RecordingHypervisorSystem()
        fake.devices = [XenDevice.privcmd.path]
        fake.hypervisor = { op, a, write, read in
            let l = StructDescription.gnttab_copy.layout64
            guard op == Self.grantTableOp, a[0] == UInt64(GNTTABOP.copy), a[2] == 1,
                  var v = read(a[1], l.size).flatMap({ try? l.decode($0) }) else { return -38 }
            let expected: [String: UInt64] = ["source.u.ref": 8, "source.domid": UInt64(DOMID_SELF), "source.offset": 0,
                                              "dest.u.ref": 9, "dest.domid": UInt64(DOMID_SELF), "dest.offset": 2048,
                                              "len": 48, "flags": UInt64(GNTCOPY.source_gref | GNTCOPY.dest_gref)]
            guard expected.allSatisfy({ v[$0.key] == $0.value }) else { return -22 }
            v["status"] = UInt64(bitPattern: Int64(GrantStatus.bad_copy_arg.rawValue))
            return write(a[1], (try? l.encode(v)) ?? []) ? 0 : -14
        }
        let caller = try PrivcmdHypercaller(system: fake)
        let copy = try #require(OwnGrantCopy(from: 8, at: 0, to: 9, at: 2048, length: 48))
        #expect(try caller.copyBetweenOwnGrants(copy) == .bad_copy_arg)
        // The general path still refuses the same call.
        #expect(throws: HypercallError.self) { try caller.call(.grant_table_op, [UInt64(GNTTABOP.copy), 0, 1]) }
    }

    @Test func ownGrantCopyStaysInsideEachPage() {
        #expect(OwnGrantCopy(from: 1, at: 0, to: 2, at: 0, length: XEN_PAGE_SIZE) != nil)
        #expect(OwnGrantCopy(from: 1, at: 1, to: 2, at: 0, length: XEN_PAGE_SIZE) == nil)
        #expect(OwnGrantCopy(from: 1, at: 0, to: 2, at: 4000, length: 97) == nil)
        #expect(OwnGrantCopy(from: 1, at: -1, to: 2, at: 0, length: 1) == nil)
        #expect(OwnGrantCopy(from: 1, at: 0, to: 2, at: 0, length: 0) == nil)
    }

    @Test func statusNamesComeFromTheHeader() {
        #expect(GrantStatus.okay.name == "GNTST_okay" && GrantStatus.permission_denied.rawValue == -8)
        #expect(GrantStatus(rawValue: -99).name == "GNTST_-99" && GrantStatus(rawValue: -99).text == "unknown grant status")
    }
}
