/// What a xen_version sub-op answers, decoded from its return value and argument buffer
/// (public/version.h).
public enum XenVersionValue: Sendable, Equatable {
    /// XENVER_version: major << 16 | minor.
    case version(major: UInt32, minor: UInt32)
    /// extraversion, capabilities, changeset, commandline: a NUL-terminated string.
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
    public let op: XenVersionOp
    public let result: HypercallResult
    public let value: XenVersionValue?
}

/// Decodes xen_version answers (pure: return value and buffer bytes in, value out).
public enum XenVersionDecoding {
    /// The bytes up to the first NUL, as UTF-8 (invalid sequences replaced).
    public static func cString(_ bytes: ArraySlice<UInt8>) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }

    static func littleEndian<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, as: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard bytes.count >= size else { return nil }
        return bytes.prefix(size).reversed().reduce(T(0)) { $0 << 8 | T($1) }
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
            var fields: [String] = []
            var start = b.startIndex
            for size in XenVersionLayout.compileInfoFields {
                let end = min(start + size, b.endIndex)
                fields.append(cString(b[start..<end]))
                start = end
            }
            return .compileInfo(compiler: fields[0], compileBy: fields[1],
                                compileDomain: fields[2], compileDate: fields[3])
        case .platform_parameters:
            return littleEndian(b, as: UInt64.self).map { .platformParameters(virtStart: $0) }
        case .guest_handle:
            guard b.count >= XenVersionLayout.domainHandleSize else { return nil }
            return .handle(Array(b.prefix(XenVersionLayout.domainHandleSize)))
        case .get_features:
            // xen_feature_info: submap after submap_idx.
            return littleEndian(b.dropFirst(4), as: UInt32.self).map { .features([$0]) }
        case .build_id:
            // xen_build_id: rc bytes of buf after len.
            let body = b.dropFirst(XenVersionLayout.buildIDHeaderSize)
            guard rc <= Int64(body.count) else { return nil }
            return .buildID(Array(body.prefix(Int(rc))))
        }
    }

    /// The size of the argument buffer a sub-op fills; 0 for those that take NULL.
    public static func bufferSize(_ op: XenVersionOp) -> Int {
        switch op {
        case .version, .pagesize: return 0
        case .extraversion: return XenVersionLayout.XEN_EXTRAVERSION_LEN
        case .compile_info: return XenVersionLayout.compileInfoFields.reduce(0, +)
        case .capabilities: return XenVersionLayout.XEN_CAPABILITIES_INFO_LEN
        case .changeset: return XenVersionLayout.XEN_CHANGESET_INFO_LEN
        case .platform_parameters: return XenVersionLayout.platformParametersSize
        case .get_features: return XenVersionLayout.featureInfoSize
        case .guest_handle: return XenVersionLayout.domainHandleSize
        case .commandline: return XenVersionLayout.commandlineSize
        case .build_id: return XenVersionLayout.buildIDHeaderSize
        }
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

    public var hypercall: HypercallNumber {
        switch self {
        case .maximum_ram_page, .current_reservation: return .memory_op
        case .yield: return .sched_op
        }
    }
}

extension PrivcmdHypercaller {
    /// What to do when the kernel blocks privcmd's hypercalls (see `kernelBlocksHypercalls`).
    public static let kernelBlocksMessage =
        "the kernel blocks hypercalls through \(privcmdPath) in this domU (Linux's xen-privcmd allows a domU only " +
        "its target domain's); reload it with unrestricted=1: rmmod xenfs xen_privcmd; modprobe xen-privcmd unrestricted=1"

    /// True when `answer` is the kernel's refusal rather than Xen's: Linux's privcmd in a domU
    /// without `unrestricted=1` fails every IOCTL_PRIVCMD_HYPERCALL with EPERM
    /// (drivers/xen/privcmd.c), while Xen answers XENVER_version to every guest (xsm/dummy.h,
    /// xsm_xen_version: those sub-ops "ignore the permission checks"). So EPERM from
    /// XENVER_version can only come from the kernel; for another sub-op's EPERM, XENVER_version
    /// is asked once to tell the two apart.
    public func kernelBlocks(_ answer: XenVersionAnswer) throws(HypercallPageError) -> Bool {
        guard answer.result.errno == .EPERM else { return false }
        if answer.op == .version { return true }
        return try xenVersion(.version).result.errno == .EPERM
    }

    /// Issues one xen_version sub-op and decodes its answer.
    public func xenVersion(_ op: XenVersionOp) throws(HypercallPageError) -> XenVersionAnswer {
        let subop = UInt64(op.number)
        switch op {
        case .version, .pagesize:
            let r = try call(.xen_version, [subop, 0])
            return XenVersionAnswer(op: op, result: r, value: XenVersionDecoding.decode(op, rc: r.rc, buffer: []))
        case .get_features:
            var submaps: [UInt32] = []
            for index in 0..<XENFEAT_NR_SUBMAPS {
                let input = HypercallStub.littleEndian(index) + [0, 0, 0, 0]
                let (r, out) = try withBuffer(input: input, outputCount: XenVersionLayout.featureInfoSize) {
                    address throws(HypercallPageError) in try call(.xen_version, [subop, address])
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
            let capacity = XEN_PAGE_SIZE - XenVersionLayout.buildIDHeaderSize
            guard size.rc <= Int64(capacity) else {
                throw HypercallPageError(.badInput, "build id of \(size.rc) bytes does not fit a page")
            }
            let input = HypercallStub.littleEndian(UInt32(size.rc))
            let (r, out) = try withBuffer(input: input, outputCount: XenVersionLayout.buildIDHeaderSize + Int(size.rc)) {
                address throws(HypercallPageError) in try call(.xen_version, [subop, address])
            }
            return XenVersionAnswer(op: op, result: r, value: XenVersionDecoding.decode(op, rc: r.rc, buffer: out))
        default:
            let (r, out) = try withBuffer(input: [], outputCount: XenVersionDecoding.bufferSize(op)) {
                address throws(HypercallPageError) in try call(.xen_version, [subop, address])
            }
            return XenVersionAnswer(op: op, result: r, value: XenVersionDecoding.decode(op, rc: r.rc, buffer: out))
        }
    }

    /// Issues one of the other read-only hypercalls; the value is the return value.
    public func readOnly(_ query: ReadOnlyQuery) throws(HypercallPageError) -> HypercallResult {
        switch query {
        case .maximum_ram_page:
            return try call(.memory_op, [UInt64(MemoryOp.maximum_ram_page.number), 0])
        case .current_reservation:
            // struct xen_memory_domain { domid_t domid; } (public/memory.h), domid_t is 16 bits.
            let input = [UInt8(truncatingIfNeeded: DOMID_SELF), UInt8(truncatingIfNeeded: DOMID_SELF >> 8)]
            let (r, _) = try withBuffer(input: input, outputCount: 0) { address throws(HypercallPageError) in
                try call(.memory_op, [UInt64(MemoryOp.current_reservation.number), address])
            }
            return r
        case .yield:
            return try call(.sched_op, [UInt64(SchedOp.yield.number), 0])
        }
    }
}
