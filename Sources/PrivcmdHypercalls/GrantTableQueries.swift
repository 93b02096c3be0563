import XenInterface
import XenSystem

/// This domain's grant table as GNTTABOP_query_size answers (public/grant_table.h, struct
/// gnttab_query_size): the frames it uses now and the most it may grow to.
public struct GrantTableSize: Sendable, Equatable {
    /// `nr_frames`: the frames of the table in use.
    public let frames: UInt32
    /// `max_nr_frames`: the most the table may grow to (the domain's `max_grant_frames`).
    public let maximumFrames: UInt32

    /// A size as Xen answers it.
    public init(frames: UInt32, maximumFrames: UInt32) {
        self.frames = frames
        self.maximumFrames = maximumFrames
    }
}

/// One GNTTABOP_copy entry between two grants of this domain's own table (both sides
/// GNTCOPY_source_gref / GNTCOPY_dest_gref with DOMID_SELF as the granting domain, which
/// gnttab_copy_lock_domain resolves to the caller: xen/common/grant_table.c). Xen checks that
/// each grant is granted to the caller (acquire_grant_for_copy compares the entry's domid with
/// the calling domain's) and that the destination is writable.
package struct OwnGrantCopy: Sendable, Equatable {
    /// The grant reference copied from, and the byte offset in its page.
    package let sourceRef: UInt32, sourceOffset: UInt16
    /// The grant reference copied to, and the byte offset in its page.
    package let destinationRef: UInt32, destinationOffset: UInt16
    /// Bytes copied; with each offset it stays inside one page (else GNTST_bad_copy_arg).
    package let length: UInt16

    /// A copy of `length` bytes, checked to stay inside each page; nil when it would not.
    package init?(from sourceRef: UInt32, at sourceOffset: Int, to destinationRef: UInt32, at destinationOffset: Int, length: Int) {
        guard length > 0, sourceOffset >= 0, destinationOffset >= 0,
              sourceOffset + length <= XEN_PAGE_SIZE, destinationOffset + length <= XEN_PAGE_SIZE else { return nil }
        self.sourceRef = sourceRef
        self.sourceOffset = UInt16(sourceOffset)
        self.destinationRef = destinationRef
        self.destinationOffset = UInt16(destinationOffset)
        self.length = UInt16(length)
    }

    /// The entry as Xen reads it: struct gnttab_copy in this process's x86_64 layout.
    package var encoded: [UInt8] {
        GrantTableLayout.encode(GrantTableLayout.copy, [
            "source.u.ref": UInt64(sourceRef), "source.domid": UInt64(DOMID_SELF), "source.offset": UInt64(sourceOffset),
            "dest.u.ref": UInt64(destinationRef), "dest.domid": UInt64(DOMID_SELF), "dest.offset": UInt64(destinationOffset),
            "len": UInt64(length), "flags": UInt64(GNTCOPY.source_gref | GNTCOPY.dest_gref),
        ])
    }
}

/// The grant_table_op argument structures as privcmd hands them to Xen: the catalog's
/// descriptions (proven against gcc) in this process's x86_64 layout.
enum GrantTableLayout {
    static let querySize = StructDescription.gnttab_query_size.layout64
    static let getVersion = StructDescription.gnttab_get_version.layout64
    static let copy = StructDescription.gnttab_copy.layout64

    /// `layout` with `fields` set, the rest zero.
    static func encode(_ layout: StructLayout, _ fields: [String: UInt64]) -> [UInt8] {
        // Every value written here fits its field (references, offsets, lengths, DOMID_SELF).
        (try? layout.encode(StructValue(fields.mapValues { [$0] }))) ?? []
    }

    /// The int16_t `status` of a decoded entry.
    static func status(_ value: StructValue) -> GrantStatus {
        GrantStatus(rawValue: Int16(truncatingIfNeeded: value["status"] ?? 0))
    }
}

extension PrivcmdHypercaller {
    /// The error of a grant_table_op whose return value is an error, or whose entry's status is.
    static func grantTableError(_ cmd: String, _ result: HypercallResult, _ status: GrantStatus) -> HypercallError? {
        if let errno = result.errno {
            return HypercallError(.refused, "GNTTABOP_\(cmd): Xen answered -\(errno.name) (\(errno.text))",
                                  errno: Errno(rawValue: errno.rawValue))
        }
        guard status == .okay else {
            return HypercallError(.refused, "GNTTABOP_\(cmd): Xen answered \(status) (\(status.text))")
        }
        return nil
    }

    /// One grant_table_op `cmd` with one entry in an argument buffer: the decoded entry.
    func grantTableOp(_ cmd: UInt32, _ layout: StructLayout, _ input: [UInt8], checked: Bool) throws(HypercallError) -> (HypercallResult, StructValue) {
        let (r, out) = try withBuffer(input: input, outputCount: layout.size) { address throws(HypercallError) in
            let arguments = [UInt64(cmd), address, 1]
            return checked ? try call(.grant_table_op, arguments) : issueChangingOwnState(.grant_table_op, arguments)
        }
        guard let value = try? layout.decode(out) else { throw HypercallError(.system, "GNTTABOP \(cmd): short answer") }
        return (r, value)
    }

    /// GNTTABOP_query_size of DOMID_SELF: the frames this domain's grant table uses and may grow
    /// to. Read-only. An error return or a status other than GNTST_okay is `.refused`, named.
    public func grantTableSize() throws(HypercallError) -> GrantTableSize {
        let input = GrantTableLayout.encode(GrantTableLayout.querySize, ["dom": UInt64(DOMID_SELF)])
        let (r, v) = try grantTableOp(GNTTABOP.query_size, GrantTableLayout.querySize, input, checked: true)
        if let error = Self.grantTableError("query_size", r, GrantTableLayout.status(v)) { throw error }
        return GrantTableSize(frames: UInt32(truncatingIfNeeded: v["nr_frames"] ?? 0),
                              maximumFrames: UInt32(truncatingIfNeeded: v["max_nr_frames"] ?? 0))
    }

    /// GNTTABOP_get_version of DOMID_SELF: this domain's grant-table version (1 or 2). Read-only;
    /// an error return is `.refused`, named.
    public func grantTableVersion() throws(HypercallError) -> UInt32 {
        let input = GrantTableLayout.encode(GrantTableLayout.getVersion, ["dom": UInt64(DOMID_SELF)])
        let (r, v) = try grantTableOp(GNTTABOP.get_version, GrantTableLayout.getVersion, input, checked: true)
        if let error = Self.grantTableError("get_version", r, .okay) { throw error }
        return UInt32(truncatingIfNeeded: v["version"] ?? 0)
    }

    /// GNTTABOP_copy of one entry between two grants of this domain's own table; the entry's
    /// status (GNTST_okay when Xen copied). An error return of the hypercall is `.refused`.
    /// Package-internal: only PVFoundations' copy between two pages this process granted (its
    /// non-copyable `GrantedPage`s) reaches it.
    package func copyBetweenOwnGrants(_ copy: OwnGrantCopy) throws(HypercallError) -> GrantStatus {
        let (r, v) = try grantTableOp(GNTTABOP.copy, GrantTableLayout.copy, copy.encoded, checked: false)
        if let error = Self.grantTableError("copy", r, .okay) { throw error }
        return GrantTableLayout.status(v)
    }
}
