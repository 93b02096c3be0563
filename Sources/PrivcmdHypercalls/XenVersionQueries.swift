import ABI64
import XenInterface
/// What a xen_version sub-op answers, decoded from its return value and argument buffer
/// (public/version.h).
public enum XenVersionValue: Sendable, Equatable {
    /// XENVER_version: major << 16 | minor.
    case version(major: UInt32, minor: UInt32)
    /// extraversion, capabilities, changeset, commandline: a NUL-terminated string; their
    /// 4.20 counterparts extraversion2 ... commandline2: the xen_varbuf's bytes, without a NUL.
    case text(String)
    /// XENVER_compile_info.
    case compileInfo(compiler: String, compileBy: String, compileDomain: String, compileDate: String)
    /// XENVER_platform_parameters: virt_start.
    case platformParameters(virtStart: UInt64)
    /// XENVER_get_features: one 32-bit submap per index 0 ..< XENFEAT_NR_SUBMAPS.
    case features([UInt32])
    /// XENVER_pagesize.
    case pageSize(UInt64)
    /// XENVER_guest_handle: the 16-byte domain handle (the toolstack's UUID).
    case handle([UInt8])
    /// XENVER_build_id: the raw build id.
    case buildID([UInt8])
}

/// One answered xen_version sub-op: the hypercall's return value and, on success, the value.
public struct XenVersionAnswer: Sendable, Equatable {
    /// The XENVER_* sub-op asked.
    public let op: XenVersionOp
    /// Xen's return value (or the kernel's, for an EPERM from privcmd: see `kernelBlocks`), with its errno.
    public let result: HypercallResult
    /// The decoded answer; nil when the call failed or its buffer was too short to decode.
    public let value: XenVersionValue?
}

/// Decodes xen_version answers (pure: return value and buffer bytes in, value out).
public enum XenVersionDecoding {
    /// The bytes up to the first NUL, as UTF-8 (invalid sequences replaced).
    public static func cString(_ bytes: ArraySlice<UInt8>) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }

    /// One field of `layout` decoded from `bytes`, nil when the buffer is short.
    static func field(_ path: String, of layout: StructLayout, in bytes: [UInt8]) -> UInt64? {
        (try? layout.decode(bytes))?[path]
    }

    /// The C string in character-array field `path` of `layout`.
    static func text(_ path: String, of layout: StructLayout, in bytes: ArraySlice<UInt8>) -> String {
        guard let f = layout.field(path) else { return "" }
        let start = min(bytes.startIndex + f.offset, bytes.endIndex)
        return cString(bytes[start..<min(start + f.size, bytes.endIndex)])
    }

    /// The value of a successful sub-op whose answer is the return value or a fixed buffer.
    /// get_features and build_id go through their own calls (several, or a sized buffer).
    public static func decode(_ op: XenVersionOp, rc: Int64, buffer: [UInt8]) -> XenVersionValue? {
        guard rc >= 0 else { return nil }
        let b = buffer[...]
        switch op {
        case .version:
            return .version(major: UInt32(truncatingIfNeeded: rc >> 16) & 0xffff,
                            minor: UInt32(truncatingIfNeeded: rc) & 0xffff)
        case .pagesize:
            return .pageSize(UInt64(rc))
        case .extraversion, .capabilities, .changeset, .commandline:
            return .text(cString(b))
        case .compile_info:
            let layout = XenVersionLayout.compileInfo
            return .compileInfo(compiler: text("compiler", of: layout, in: b),
                                compileBy: text("compile_by", of: layout, in: b),
                                compileDomain: text("compile_domain", of: layout, in: b),
                                compileDate: text("compile_date", of: layout, in: b))
        case .platform_parameters:
            return field("virt_start", of: XenVersionLayout.platformParameters, in: buffer).map { .platformParameters(virtStart: $0) }
        case .guest_handle:
            let size = XenArrayTypedef.xen_domain_handle_t
            guard b.count >= size else { return nil }
            return .handle(Array(b.prefix(size)))
        case .get_features:
            return field("submap", of: XenVersionLayout.featureInfo, in: buffer).map { .features([UInt32(truncatingIfNeeded: $0)]) }
        case .build_id:
            // xen_build_id: rc bytes of buf after len.
            let body = b.dropFirst(XenVersionLayout.buildID.size)
            guard rc <= Int64(body.count) else { return nil }
            return .buildID(Array(body.prefix(Int(rc))))
        case .extraversion2, .capabilities2, .changeset2, .commandline2:
            // xen_varbuf: rc bytes of buf after len, no NUL (public/version.h of 4.20).
            let body = b.dropFirst(XenVersionLayout.varbuf.size)
            guard rc <= Int64(body.count) else { return nil }
            return .text(String(decoding: body.prefix(Int(rc)), as: UTF8.self))
        }
    }

    /// The size of the argument buffer a sub-op fills; 0 for those that take NULL.
    public static func bufferSize(_ op: XenVersionOp) -> Int {
        switch op {
        case .version, .pagesize: return 0
        case .extraversion: return XenArrayTypedef.XEN_EXTRAVERSION_LEN
        case .compile_info: return XenVersionLayout.compileInfo.size
        case .capabilities: return XenArrayTypedef.XEN_CAPABILITIES_INFO_LEN
        case .changeset: return XenArrayTypedef.XEN_CHANGESET_INFO_LEN
        case .platform_parameters: return XenVersionLayout.platformParameters.size
        case .get_features: return XenVersionLayout.featureInfo.size
        case .guest_handle: return XenArrayTypedef.xen_domain_handle_t
        case .commandline: return XenArrayTypedef.xen_commandline_t
        case .build_id: return XenVersionLayout.buildID.size
        case .extraversion2, .capabilities2, .changeset2, .commandline2: return XenVersionLayout.varbuf.size
        }
    }
}

/// The argument structures of xen_version and memory_op as privcmd hands them to Xen: the
/// catalog's descriptions (proven against gcc) in this process's x86_64 layout.
enum XenVersionLayout {
    static let compileInfo = StructDescription.xen_compile_info.layout64
    static let platformParameters = StructDescription.xen_platform_parameters.layout64
    static let featureInfo = StructDescription.xen_feature_info.layout64
    /// `len` before the flexible `buf[]`: the structure's size is the offset of `buf`.
    static let buildID = StructDescription.xen_build_id.layout64
    /// `len` before the flexible `buf[]` (Xen 4.20's xen_varbuf): the same shape as xen_build_id.
    static let varbuf = StructDescription.xen_varbuf.layout64
    static let memoryDomain = StructDescription.xen_memory_domain.layout64

    /// `layout` with `fields` set, the rest zero.
    static func encode(_ layout: StructLayout, _ fields: [String: UInt64]) -> [UInt8] {
        // Every value written here fits its field (indices, sizes, DOMID_SELF).
        (try? layout.encode(StructValue(fields.mapValues { [$0] }))) ?? []
    }
}

/// Other read-only hypercalls of the self test.
public enum ReadOnlyQuery: String, CaseIterable, Sendable {
    /// memory_op XENMEM_maximum_ram_page (public/memory.h): the highest machine frame of RAM.
    case maximum_ram_page
    /// memory_op XENMEM_current_reservation of DOMID_SELF: this domain's pages.
    case current_reservation
    /// sched_op SCHEDOP_yield (public/sched.h).
    case yield

    /// The hypercall that carries the query: memory_op or sched_op.
    public var hypercall: HypercallNumber {
        switch self {
        case .maximum_ram_page, .current_reservation: return .memory_op
        case .yield: return .sched_op
        }
    }
}

extension PrivcmdHypercaller {
    /// The CLI's advice when the kernel blocks privcmd's hypercalls (see `kernelBlocks(_:)`).
    package static let kernelBlocksMessage =
        "the kernel blocks hypercalls through \(privcmdPath) in this domU (Linux's xen-privcmd allows a domU only " +
        "its target domain's); reload it with unrestricted=1: rmmod xenfs xen_privcmd; modprobe xen-privcmd unrestricted=1"

    /// True when `answer` is the kernel's refusal rather than Xen's: Linux's privcmd in a domU
    /// without `unrestricted=1` fails every IOCTL_PRIVCMD_HYPERCALL with EPERM
    /// (drivers/xen/privcmd.c), while Xen answers XENVER_version to every guest (xsm/dummy.h,
    /// xsm_xen_version: those sub-ops "ignore the permission checks"). So EPERM from
    /// XENVER_version can only come from the kernel; for another sub-op's EPERM, XENVER_version
    /// is asked once to tell the two apart.
    public func kernelBlocks(_ answer: XenVersionAnswer) throws(HypercallError) -> Bool {
        guard answer.result.errno == .EPERM else { return false }
        if answer.op == .version { return true }
        return try xenVersion(.version).result.errno == .EPERM
    }

    /// Issues one xen_version sub-op and decodes its answer.
    public func xenVersion(_ op: XenVersionOp) throws(HypercallError) -> XenVersionAnswer {
        let subop = UInt64(op.number)
        switch op {
        case .version, .pagesize:
            let r = try call(.xen_version, [subop, 0])
            return XenVersionAnswer(op: op, result: r, value: XenVersionDecoding.decode(op, rc: r.rc, buffer: []))
        case .get_features:
            var submaps: [UInt32] = []
            for index in 0..<XENFEAT_NR_SUBMAPS {
                let input = XenVersionLayout.encode(XenVersionLayout.featureInfo, ["submap_idx": UInt64(index)])
                let (r, out) = try withBuffer(input: input, outputCount: XenVersionLayout.featureInfo.size) {
                    address throws(HypercallError) in try call(.xen_version, [subop, address])
                }
                guard case .features(let one)? = XenVersionDecoding.decode(op, rc: r.rc, buffer: out) else {
                    return XenVersionAnswer(op: op, result: r, value: nil)
                }
                submaps += one
            }
            return XenVersionAnswer(op: op, result: HypercallResult(rc: 0), value: .features(submaps))
        case .build_id:
            // A NULL argument returns the size; then a buffer of that size receives it.
            let size = try call(.xen_version, [subop, 0])
            guard size.rc > 0 else { return XenVersionAnswer(op: op, result: size, value: nil) }
            let capacity = XEN_PAGE_SIZE - XenVersionLayout.buildID.size
            guard size.rc <= Int64(capacity) else {
                throw HypercallError(.badInput, "build id of \(size.rc) bytes does not fit a page")
            }
            let input = XenVersionLayout.encode(XenVersionLayout.buildID, ["len": UInt64(size.rc)])
            let (r, out) = try withBuffer(input: input, outputCount: XenVersionLayout.buildID.size + Int(size.rc)) {
                address throws(HypercallError) in try call(.xen_version, [subop, address])
            }
            return XenVersionAnswer(op: op, result: r, value: XenVersionDecoding.decode(op, rc: r.rc, buffer: out))
        case .extraversion2, .capabilities2, .changeset2, .commandline2:
            // xen/common/kernel.c of 4.20, xenver_varbuf_op: a NULL argument returns the length
            // (Xen's policy may refuse first: -EPERM; a Xen before 4.20 answers -ENOSYS); then a
            // xen_varbuf whose len is that length receives the bytes, and rc is how many.
            let size = try call(.xen_version, [subop, 0])
            guard size.rc >= 0, size.errno == nil else { return XenVersionAnswer(op: op, result: size, value: nil) }
            let header = XenVersionLayout.varbuf.size
            guard size.rc <= Int64(Self.maximumBufferLength - header) else {
                throw HypercallError(.badInput, "XENVER_\(op.name) of \(size.rc) bytes does not fit \(Self.maximumBufferLength) bytes")
            }
            let input = XenVersionLayout.encode(XenVersionLayout.varbuf, ["len": UInt64(size.rc)])
            let (r, out) = try withBuffer(input: input, outputCount: header + Int(size.rc)) {
                address throws(HypercallError) in try call(.xen_version, [subop, address])
            }
            return XenVersionAnswer(op: op, result: r, value: XenVersionDecoding.decode(op, rc: r.rc, buffer: out))
        default:
            let (r, out) = try withBuffer(input: [], outputCount: XenVersionDecoding.bufferSize(op)) {
                address throws(HypercallError) in try call(.xen_version, [subop, address])
            }
            return XenVersionAnswer(op: op, result: r, value: XenVersionDecoding.decode(op, rc: r.rc, buffer: out))
        }
    }

    /// The release of the Xen answering (XENVER_version: major << 16 | minor); nil when it fails.
    public func runningRelease() throws(HypercallError) -> XenRelease? {
        Self.release(of: try xenVersion(.version))
    }

    /// The release an XENVER_version answer names; nil for another sub-op or a failed call.
    public static func release(of answer: XenVersionAnswer) -> XenRelease? {
        guard case .version(let major, let minor)? = answer.value else { return nil }
        return XenRelease(major: major, minor: minor)
    }

    /// Issues one of the other read-only hypercalls; the value is the return value.
    public func readOnly(_ query: ReadOnlyQuery) throws(HypercallError) -> HypercallResult {
        switch query {
        case .maximum_ram_page:
            return try call(.memory_op, [UInt64(MemoryOp.maximum_ram_page.number), 0])
        case .current_reservation:
            let input = XenVersionLayout.encode(XenVersionLayout.memoryDomain, ["domid": UInt64(DOMID_SELF)])
            let (r, _) = try withBuffer(input: input, outputCount: 0) { address throws(HypercallError) in
                try call(.memory_op, [UInt64(MemoryOp.current_reservation.number), address])
            }
            return r
        case .yield:
            return try call(.sched_op, [UInt64(SchedOp.yield.number), 0])
        }
    }
}
