import XenCompat
import XenInterface
import XenSystem

/// Values of Xen's PV interface the PV test-guest checks need and XenInterface does not carry.
package enum PVConstants {
    /// `SIF_PRIVILEGED | SIF_INITDOMAIN` (public/xen.h): the flags of a dom0's start_info
    /// (xen/arch/x86/pv/dom0_build.c sets both unless it builds a PV shim).
    package static let dom0Flags: UInt64 = 1 << 0 | 1 << 1
    /// start_info.magic as xen/arch/x86/pv/dom0_build.c writes it: "xen-3.0-x86_%d%s", 64 or 32,
    /// "p" for a PAE kernel (the 32-bit guest's PAE_MODE note says "yes").
    package static func startInfoMagic(_ abi: Architecture) -> String {
        abi == .x86_32 ? "xen-3.0-x86_32p" : "xen-3.0-x86_64"
    }
    /// `__HYPERVISOR_COMPAT_VIRT_START` (xen/arch/x86/include/asm/config.h): where Xen's area
    /// starts for a 32-bit PV guest without an XEN_ELFNOTE_HV_START_LOW note, what
    /// XENVER_platform_parameters reports to it (xen/common/kernel.c, HYPERVISOR_COMPAT_VIRT_START(d)).
    package static let HYPERVISOR_COMPAT_VIRT_START: UInt64 = 0xf580_0000
    /// `FLAT_KERNEL_CS` (public/arch-x86/xen-x86_32.h: FLAT_RING1_CS; xen-x86_64.h: FLAT_RING3_CS64).
    package static func flatKernelCS(_ abi: Architecture) -> UInt64 { abi == .x86_32 ? 0xe019 : 0xe033 }
    /// The x86 page-table entry's writable bit (Intel SDM vol. 3, 4.5: bit 1, R/W).
    package static let PTE_WRITABLE: UInt64 = 1 << 1
    /// The trap the guest registers with set_trap_table: vector 3 (#BP, int3), raisable from ring 3.
    package static let trapVector: UInt64 = 3
    package static let trapFlags: UInt64 = 3
    /// The multicall batch: xen_version(XENVER_version), an unknown hypercall, SCHEDOP_yield.
    package static let batchOps: [HypercallNumber] = [.xen_version, PlanConstants.invalidHypercall, .sched_op]
    /// What the guest stores in each entry's `result` before the call (guest/pv.c), so that the
    /// value Xen writes is visible.
    package static let resultPoison: UInt64 = 0x5a5a_5a5a_5a5a_5a5a
}

/// What one buffer of a PV call must hold after the call.
package enum PVBufferExpectation: Sendable {
    /// A `char[length]` Xen fills: the string, then zeros to the end (XSA-122).
    case text(length: Int)
    /// A structure Xen fills.
    case output(StructDescription)
    /// `count` structures whose bytes after the call must be exactly these (inputs Xen only
    /// reads, or an in/out batch with the results Xen must have written).
    case exact(StructDescription, count: Int, bytes: [UInt8])
    /// A `unsigned int *` count Xen writes (mmu_update's and mmuext_op's `success_count`).
    case count(UInt32)
}

/// One call the PV guest makes, as the checks expect it for one ABI.
package struct PVCall: Sendable {
    package let label: String
    package let returns: ReturnExpectation
    package let buffers: [(name: String, expectation: PVBufferExpectation)]
    /// True when XenCompat's translation of the 32-bit guest's structures must equal the 64-bit
    /// guest's bytes (same inputs, no addresses).
    package let agree: Bool
}

/// The checks of the PV test guests (docs/test-guest.md, "The PV test guests"): start_info,
/// the PV-only calls' extents, padding and read-only inputs, XenCompat's translation of the
/// 32-bit guest's structures, and agreement between the guests.
package struct PVGuestChecks: BufferVerdicts {
    package let pv32: PVGuestResults
    package let pv64: PVGuestResults
    /// The length of the module the stage passed (start_info.mod_len).
    package let moduleLength: UInt64
    /// dom0_mem the stage gave, in pages (start_info.nr_pages).
    package let dom0Pages: UInt64
    package let sentinel: UInt8
    var verdicts: [CheckVerdict] = []

    package init(pv32: PVGuestResults, pv64: PVGuestResults, moduleLength: UInt64, dom0Pages: UInt64,
                 sentinel: UInt8 = HypercallPlan.defaultSentinel) {
        self.pv32 = pv32
        self.pv64 = pv64
        self.moduleLength = moduleLength
        self.dom0Pages = dom0Pages
        self.sentinel = sentinel
    }

    /// Runs every check.
    package mutating func run() -> [CheckVerdict] {
        verdicts = []
        for (results, abi) in [(pv32, Architecture.x86_32), (pv64, .x86_64)] {
            record("pv\(abi.bits) guest", results.guest.abi == abi && results.guest.status == "ok",
                   "guest status \(results.guest.status), ABI \(results.guest.abi.bits)"
                   + (results.guest.errors.isEmpty ? "" : ", errors: \(results.guest.errors.joined(separator: "; "))"))
        }
        checkStartInfo()
        let calls32 = Self.calls(.x86_32, pv32), calls64 = Self.calls(.x86_64, pv64)
        for (c32, c64) in zip(calls32, calls64) {
            guard let r32 = pv32.guest.call(c32.label), let r64 = pv64.guest.call(c64.label) else {
                record(c32.label, false, "not in both guests' results")
                continue
            }
            for (spec, result, abi) in [(c32, r32, Architecture.x86_32), (c64, r64, .x86_64)] {
                checkReturn(spec, result, abi)
                checkBuffers(spec, result, abi)
            }
            compare(c32, r32, c64, r64)
        }
        return verdicts
    }

    // MARK: the calls

    /// The calls guest/pv.c makes, in its order, with what Xen must leave for `abi`'s guest.
    package static func calls(_ abi: Architecture, _ results: PVGuestResults) -> [PVCall] {
        let version = UInt64(results.guest.xenVersion ?? 0)
        let facts = results.facts
        func encode(_ d: StructDescription, _ values: [StructValue]) -> [UInt8] {
            let layout = abi.layout(d)
            return values.flatMap { (try? layout.encode($0)) ?? [] }
        }
        func mmuext(_ label: String, _ cmd: UInt32, _ arg1: (String, UInt64)?, agree: Bool = false) -> PVCall {
            var value = StructValue(["cmd": [UInt64(cmd)]])
            if let arg1 { value[arg1.0] = arg1.1 }
            return PVCall(label: label, returns: .zero,
                          buffers: [("mmuext_op", .exact(.mmuext_op, count: 1, bytes: encode(.mmuext_op, [value]))),
                                    ("success_count", .count(1))], agree: agree)
        }
        func mmuUpdate(_ label: String, _ val: UInt64?) -> PVCall {
            let value = StructValue(["ptr": [(facts["pte_maddr"] ?? 0) | UInt64(MMU.NORMAL_PT_UPDATE)], "val": [val ?? 0]])
            return PVCall(label: label, returns: .zero,
                          buffers: [("mmu_update", .exact(.mmu_update, count: 1, bytes: encode(.mmu_update, [value]))),
                                    ("success_count", .count(1))], agree: false)
        }
        let mask: UInt64 = abi == .x86_32 ? 0xffff_ffff : .max
        let enosys = (UInt64(bitPattern: -Int64(XenErrno.ENOSYS.rawValue))) & mask
        let batch = zip(PVConstants.batchOps, [version, enosys, 0]).map { op, result -> StructValue in
            var args = [UInt64](repeating: 0, count: 6)
            if op == .xen_version { args[0] = UInt64(XENVER.version) }
            if op == .sched_op { args[0] = UInt64(SCHEDOP.yield) }
            return StructValue(["op": [UInt64(op.rawValue)], "result": [result], "args": args])
        }
        let trap = StructValue(["vector": [PVConstants.trapVector], "flags": [PVConstants.trapFlags],
                                "cs": [PVConstants.flatKernelCS(abi)], "address": [facts["trap_handler"] ?? 0]])
        let pte = facts["pte"]
        var calls: [PVCall] = [
            PVCall(label: "xen_version.version", returns: .value, buffers: [], agree: false),
            PVCall(label: "xen_version.extraversion", returns: .zero,
                   buffers: [("extraversion", .text(length: XenArrayTypedef.XEN_EXTRAVERSION_LEN))], agree: false),
            PVCall(label: "xen_version.capabilities", returns: .zero,
                   buffers: [("capabilities", .text(length: XenArrayTypedef.XEN_CAPABILITIES_INFO_LEN))], agree: false),
            PVCall(label: "xen_version.changeset", returns: .zero,
                   buffers: [("changeset", .text(length: XenArrayTypedef.XEN_CHANGESET_INFO_LEN))], agree: false),
            PVCall(label: "xen_version.platform_parameters", returns: .zero,
                   buffers: [("xen_platform_parameters", .output(.xen_platform_parameters))], agree: false),
            PVCall(label: "vcpu_op.get_runstate_info", returns: .zero,
                   buffers: [("vcpu_runstate_info", .output(.vcpu_runstate_info))], agree: false),
            PVCall(label: "multicall.batch", returns: .zero,
                   buffers: [("multicall_entry", .exact(.multicall_entry, count: batch.count,
                                                        bytes: encode(.multicall_entry, batch)))], agree: true),
            mmuext("mmuext_op.tlb_flush_local", MMUEXT.TLB_FLUSH_LOCAL, nil, agree: true),
            mmuext("mmuext_op.invlpg_local", MMUEXT.INVLPG_LOCAL, ("arg1.linear_addr", facts["table_page"] ?? 0)),
        ]
        calls += [
            mmuUpdate("mmu_update.read_only", pte.map { $0 & ~PVConstants.PTE_WRITABLE }),
            mmuext("mmuext_op.pin_l1_table", MMUEXT.PIN_L1_TABLE, ("arg1.mfn", facts["mfn"] ?? 0)),
            mmuext("mmuext_op.unpin_table", MMUEXT.UNPIN_TABLE, ("arg1.mfn", facts["mfn"] ?? 0)),
            mmuUpdate("mmu_update.writable", pte.map { $0 | PVConstants.PTE_WRITABLE }),
            PVCall(label: "set_trap_table.one", returns: .zero,
                   buffers: [("trap_info", .exact(.trap_info, count: 2, bytes: encode(.trap_info, [trap, StructValue()])))],
                   agree: false),
        ]
        return calls
    }

    private mutating func checkReturn(_ spec: PVCall, _ call: GuestCallResult, _ abi: Architecture) {
        let name = "pv\(abi.bits) \(spec.label) returns"
        switch spec.returns {
        case .zero: record(name, call.returned == 0, "\(call.returned), expected 0")
        case .value:
            let want = Int64(pv32.guest.xenVersion ?? 0)
            record(name, call.returned == want && want > 0, "\(call.returned), the guest's XENVER_version \(want)")
        case .error(let errno):
            let got = HypercallResult(rc: call.returned)
            record(name, got.errno == errno, "\(call.returned), expected -\(errno)")
        case .exactly(let n): record(name, call.returned == n, "\(call.returned), expected \(n)")
        }
    }

    private mutating func checkBuffers(_ spec: PVCall, _ call: GuestCallResult, _ abi: Architecture) {
        let indices = call.buffers.keys.sorted()
        guard indices.count == spec.buffers.count else {
            record("pv\(abi.bits) \(spec.label) buffers", false,
                   "\(indices.count) buffers printed, expected \(spec.buffers.count)")
            return
        }
        for (position, (bufferName, expectation)) in spec.buffers.enumerated() {
            guard let bytes = call.buffers[indices[position]] else { continue }
            let name = "pv\(abi.bits) \(spec.label) \(bufferName)"
            switch expectation {
            case .text(let length):
                checkExtent(name, bytes, filled: length, lastWritten: (length - 1)..<length)
                let text = Array(bytes.prefix(length))
                if let nul = text.firstIndex(of: 0) {
                    let leak = text[nul...].firstIndex { $0 != 0 }
                    record(name + " zero after NUL", leak == nil,
                           leak.map { "byte \($0) after the NUL at \(nul) is 0x\(String(text[$0], radix: 16)) (XSA-122)" }
                           ?? "\(length - nul) bytes from the NUL at \(nul) on hold 0 (XSA-122)")
                } else {
                    record(name + " zero after NUL", false, "no NUL in the \(length) bytes")
                }
            case .output(let description):
                let layout = abi.layout(description)
                checkExtent(name, bytes, filled: layout.size, lastWritten: lastField(layout))
                checkPadding(name, bytes, layout)
                if description.name == "xen_platform_parameters", let v = try? layout.decode(bytes)["virt_start"] {
                    let want = abi == .x86_32 ? PVConstants.HYPERVISOR_COMPAT_VIRT_START
                                              : PlanConstants.HYPERVISOR_VIRT_START_x86_64
                    record(name + " virt_start", v == want,
                           "0x\(String(v, radix: 16)), a \(abi.bits)-bit PV guest's is 0x\(String(want, radix: 16))")
                }
                if description.name == "vcpu_runstate_info", let s = try? layout.decode(bytes)["state"] {
                    record(name + " state", s == PlanConstants.RUNSTATE_running,
                           "state \(s), RUNSTATE_running is \(PlanConstants.RUNSTATE_running)")
                }
            case .exact(let description, let count, let expected):
                let layout = abi.layout(description)
                let filled = layout.size * count
                let same = expected.count == filled && Array(bytes.prefix(filled)) == expected
                let after = filled <= bytes.count && bytes[filled...].allSatisfy { $0 == sentinel }
                record(name + " contents", same && after,
                       same ? "\(count) × \(layout.size) bytes as ABI\(abi.bits)'s layout encodes them, sentinel untouched after"
                            : "\(count) × \(layout.size) bytes differ from ABI\(abi.bits)'s encoding: "
                              + differing(Array(bytes.prefix(filled)), expected, layout))
            case .count(let want):
                let got = LittleEndian.value(bytes[...], as: UInt32.self)
                let after = bytes.count >= 4 && bytes[4...].allSatisfy { $0 == sentinel }
                record(name, got == want && after,
                       "\(got.map(String.init) ?? "none") done (expected \(want)), \(after ? "sentinel untouched after 4 bytes" : "written past 4 bytes")")
            }
        }
    }

    /// The fields whose bytes differ, by name.
    private func differing(_ got: [UInt8], _ want: [UInt8], _ layout: StructLayout) -> String {
        guard got.count == want.count, !got.isEmpty else { return "lengths \(got.count) and \(want.count)" }
        var names: [String] = []
        for record in 0..<(got.count / layout.size) {
            for field in layout.fields {
                let range = (record * layout.size + field.offset)..<(record * layout.size + field.offset + field.size)
                if got[range] != want[range] { names.append("[\(record)].\(field.path)") }
            }
        }
        return names.isEmpty ? "padding" : names.joined(separator: ", ")
    }

    // MARK: between the guests

    private mutating func compare(_ c32: PVCall, _ r32: GuestCallResult, _ c64: PVCall, _ r64: GuestCallResult) {
        let name = "pv32/pv64 \(c32.label)"
        if c32.returns == .value {
            record(name + " agree", r32.returned == r64.returned, "\(r32.returned) and \(r64.returned)")
        }
        let i32 = r32.buffers.keys.sorted(), i64 = r64.buffers.keys.sorted()
        for (position, ((_, e32), (_, _))) in zip(c32.buffers, c64.buffers).enumerated()
        where position < i32.count && position < i64.count {
            guard let x = r32.buffers[i32[position]], let y = r64.buffers[i64[position]] else { continue }
            switch e32 {
            case .text(let n):
                record(name + " agree", x.prefix(n) == y.prefix(n), x.prefix(n) == y.prefix(n) ? "same \(n) bytes" : "texts differ")
            case .output(let d):
                translate(name, d, count: 1, x, y, agree: false)
            case .exact(let d, let count, _):
                translate(name, d, count: count, x, y, agree: c32.agree)
                if d.name == "multicall_entry" { compareResults(name, count, x, y) }
            case .count:
                continue
            }
        }
    }

    /// XenCompat turns the 32-bit guest's structures into the native layout with the same values;
    /// with `agree`, into exactly the 64-bit guest's bytes.
    private mutating func translate(_ name: String, _ d: StructDescription, count: Int, _ x: [UInt8], _ y: [UInt8],
                                    agree: Bool) {
        let l32 = d.layout32, l64 = d.layout64
        guard x.count >= l32.size * count, y.count >= l64.size * count else { return }
        do {
            let translator = try CompatTranslator(d)
            let compat = Array(x.prefix(l32.size * count))
            let native = try translator.toNative(batch: compat, count: count)
            var changed: [String] = []
            // A member XenCompat sign-extends (multicall_entry.result, a long) keeps its signed value.
            let signed = Set(translator.moves.filter(\.isSigned).map(\.path))
            for k in 0..<count {
                let before = try l32.decode(compat, at: k * l32.size), after = try l64.decode(native, at: k * l64.size)
                changed += Set(before.fields.keys).union(after.fields.keys).sorted().filter { path in
                    guard signed.contains(path), let field = l32.field(path), let b = before[path] else {
                        return before.fields[path] != after.fields[path]
                    }
                    return field.widen(b) != (after[path] ?? 0) && Int64(Int32(truncatingIfNeeded: b)) != Int64(bitPattern: after[path] ?? 0)
                }.map { "[\(k)].\($0)" }
            }
            var passed = changed.isEmpty
            var detail = changed.isEmpty
                ? "\(compat.count) compat bytes -> \(native.count) native bytes, every field keeps its value"
                : "values changed in translation: \(changed.joined(separator: ", "))"
            if agree {
                let same = native == Array(y.prefix(l64.size * count))
                passed = passed && same
                detail += same ? ", identical to the 64-bit guest's" : ", but not the 64-bit guest's bytes"
            }
            record(name + " compat translation", passed, detail)
        } catch {
            record(name + " compat translation", false, "\(error)")
        }
    }

    /// Each multicall entry's result, read as the `long` of its guest's ABI, is the same.
    private mutating func compareResults(_ name: String, _ count: Int, _ x: [UInt8], _ y: [UInt8]) {
        let l32 = StructDescription.multicall_entry.layout32, l64 = StructDescription.multicall_entry.layout64
        var r32: [Int64] = [], r64: [Int64] = []
        for k in 0..<count {
            guard let a = try? l32.decode(x, at: k * l32.size)["result"], let b = try? l64.decode(y, at: k * l64.size)["result"]
            else { return }
            r32.append(Int64(Int32(truncatingIfNeeded: a)))
            r64.append(Int64(bitPattern: b))
        }
        record(name + " results agree", r32 == r64,
               "per entry \(r32) and \(r64) (a result is the long the call returned, common/multicall.c)")
    }
}
