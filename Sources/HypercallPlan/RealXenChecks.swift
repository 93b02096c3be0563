import XenCompat
import XenInterface
import XenSystem

/// One verdict of the real-Xen ABI checks.
package struct CheckVerdict: Sendable, Equatable {
    package let name: String
    package let passed: Bool
    package let detail: String

    /// `PASS name: detail` or `FAIL name: detail`, the real-Xen stage's line format.
    package var line: String { "\(passed ? "PASS" : "FAIL") \(name): \(detail)" }
}

/// Checks what Xen did with the catalogue's plans in a 32-bit and a 64-bit test guest: every
/// structure Xen filled ends where ABI32/ABI64 says (the sentinel untouched past it), values
/// agree between the guests where they must and differ where Xen's interface says they do.
package struct RealXenChecks: BufferVerdicts {
    package let results32: GuestResults
    package let results64: GuestResults
    /// The sentinel both plans used.
    package let sentinel: UInt8
    package internal(set) var verdicts: [CheckVerdict] = []

    package init(results32: GuestResults, results64: GuestResults, sentinel: UInt8 = HypercallPlan.defaultSentinel) {
        self.results32 = results32
        self.results64 = results64
        self.sentinel = sentinel
    }

    /// Runs every check; the verdicts say what passed and what failed.
    package mutating func run() -> [CheckVerdict] {
        verdicts = []
        let entries32 = PlanCatalog.entries(.x86_32), entries64 = PlanCatalog.entries(.x86_64)
        plans = [:]
        for abi in Architecture.allCases { plans[abi] = try? PlanCatalog.plan(abi, sentinel: sentinel) }
        for (results, abi) in [(results32, Architecture.x86_32), (results64, .x86_64)] {
            record("abi\(abi.bits) guest", results.abi == abi && results.status == "ok",
                   "guest status \(results.status), ABI \(results.abi.bits)"
                   + (results.errors.isEmpty ? "" : ", errors: \(results.errors.joined(separator: "; "))"))
        }
        for (entry32, entry64) in zip(entries32, entries64) {
            guard let call32 = results32.call(entry32.name), let call64 = results64.call(entry64.name) else {
                record(entry32.name, false, "not in both guests' results")
                continue
            }
            for (entry, call, abi) in [(entry32, call32, Architecture.x86_32), (entry64, call64, .x86_64)] {
                checkReturn(entry, call, abi)
                checkBuffers(entry, call, abi)
            }
            compare(entry32, call32, entry64, call64)
        }
        checkRelations()
        return verdicts
    }

    /// The plans the guests ran (the whole catalogue), to know what the guest stored where.
    private var plans: [Architecture: HypercallPlan] = [:]

    /// What buffer `k` of call `call` held before the first call: the plan's input, the
    /// sentinel, and the pointers and frames the guest stored (from where it placed each buffer).
    private func initialBytes(_ call: GuestCallResult, position: Int, abi: Architecture) -> [UInt8]? {
        let results = abi == .x86_32 ? results32 : results64
        guard let plan = plans[abi], call.index < plan.calls.count else { return nil }
        let k = plan.calls[call.index].buffers.lowerBound + position
        guard k < plan.buffers.count else { return nil }
        let buffer = plan.buffers[k]
        var bytes = buffer.input + Array(repeating: sentinel, count: buffer.size - buffer.input.count)
        for r in plan.relocations where r.buffer == k {
            guard let address = results.placements[r.target] else { return nil }
            let value = r.value(targetAddress: address)
            for i in 0..<r.width { bytes[r.offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
        }
        return bytes
    }

    /// Fields the guest stored (pointers, frames): they differ between the guests by design.
    private func guestStored(_ entry: PlanEntry, position: Int, abi: Architecture) -> Set<String> {
        let printed = entry.buffers.indices.filter { entry.buffers[$0].printed }
        guard position < printed.count else { return [] }
        // A stored union member (`vdistance.h`, `dest.u.gmfn`) shows in its other alternatives too: the whole union.
        return Set(entry.relocations.filter { $0.holder == printed[position] }.flatMap { r -> [String] in
            let parts = r.field.split(separator: ".")
            let union = parts.count > 1 && (parts.last == "h" || parts.dropLast().last == "u")
            return union ? [r.field, parts.dropLast().joined(separator: ".")] : [r.field]
        })
            .union(entry.buffers[printed[position]].role.layout?.name == "xen_memory_map" ? ["buffer"] : [])
    }

    private mutating func checkRelations() {
        for relation in PlanCatalog.relations {
            for results in [results32, results64] {
                let prefix = "abi\(results.abi.bits) "
                switch relation {
                case .returnDelta(let first, let second, let delta):
                    guard let a = results.call(first), let b = results.call(second) else {
                        record(prefix + second + " after " + first, false, "not both in the results")
                        continue
                    }
                    record(prefix + second + " after " + first, b.returned == a.returned + delta,
                           "\(b.returned), expected \(a.returned) \(delta < 0 ? "-" : "+") \(abs(delta))")
                case .fieldEqualsReturn(let name, let buffer, let field, let returnOf, let delta):
                    let entry = PlanCatalog.entries(results.abi).first { $0.name == name }
                    guard let entry, let call = results.call(name), let other = results.call(returnOf),
                          let bytes = bytes(call, buffer), let layout = entry.printedBuffers[buffer].role.layout,
                          let value = try? layout.decode(bytes)[field] else {
                        record(prefix + name + " " + field, false, "cannot read \(field) or \(returnOf)")
                        continue
                    }
                    record(prefix + name + " " + field + " = " + returnOf + (delta == 0 ? "" : " \(delta)"),
                           Int64(bitPattern: value) == other.returned + delta,
                           "\(value), \(returnOf) returned \(other.returned)")
                }
            }
        }
    }

    // MARK: per guest

    private mutating func checkReturn(_ entry: PlanEntry, _ call: GuestCallResult, _ abi: Architecture) {
        let name = "abi\(abi.bits) \(entry.name) returns"
        let got = HypercallResult(rc: call.returned)
        switch entry.returns {
        case .zero:
            record(name, call.returned == 0, "\(call.returned), expected 0")
        case .value:
            record(name, call.returned >= 0, "\(call.returned), expected a value")
        case .error(let errno):
            record(name, got.errno == errno, "\(describe(got)), expected \(errno)"
                   + (entry.source.map { " (\($0))" } ?? ""))
        case .exactly(let n):
            record(name, call.returned == n, "\(call.returned), expected \(n)")
        }
    }

    private mutating func checkBuffers(_ entry: PlanEntry, _ call: GuestCallResult, _ abi: Architecture) {
        let indices = call.buffers.keys.sorted()
        let printed = entry.printedBuffers
        guard indices.count == printed.count else {
            record("abi\(abi.bits) \(entry.name) buffers", false,
                   "\(indices.count) buffers printed, the plan has \(printed.count)")
            return
        }
        for (position, spec) in printed.enumerated() {
            guard let bytes = call.buffers[indices[position]] else { continue }
            let name = "abi\(abi.bits) \(entry.name) \(spec.name)"
            switch spec.role {
            case .output(let layout):
                checkExtent(name, bytes, filled: layout.size, lastWritten: lastField(layout))
                checkPadding(name, bytes, layout)
                for field in layout.fields where field.scalar == .char && field.size > 1 {
                    checkStringTail(name + " " + field.path, Array(bytes[field.offset..<(field.offset + field.size)]))
                }
            case .text(let length):
                checkExtent(name, bytes, filled: length, lastWritten: (length - 1)..<length)
                checkStringTail(name, Array(bytes.prefix(length)))
            case .inOut(let layout):
                checkExtent(name, bytes, filled: layout.size, lastWritten: nil)
                checkPadding(name, bytes, layout)
            case .input(let length):
                let unchanged = Array(bytes.prefix(length)) == Array(spec.buffer.input.prefix(length))
                record(name + " read only", unchanged && untouched(bytes, from: length),
                       unchanged ? "input intact, \(bytes.count - length) sentinel bytes after it"
                                 : "Xen changed the input")
            case .records(let size, let countBuffer, let countField):
                guard countBuffer < indices.count, let holder = call.buffers[indices[countBuffer]],
                      case .inOut(let layout) = entry.buffers[countBuffer].role,
                      let count = try? layout.decode(holder)[countField] else {
                    record(name, false, "cannot read \(countField)")
                    continue
                }
                let filled = Int(clamping: count) * size
                guard count > 0, filled <= bytes.count else {
                    record(name, false, "\(countField) = \(count) records of \(size) bytes, buffer \(bytes.count)")
                    continue
                }
                checkExtent(name, bytes, filled: filled, lastWritten: (filled - 1)..<filled)
            default:
                checkStateBuffer(name, spec, bytes, initial: initialBytes(call, position: position, abi: abi), abi: abi)
            }
        }
    }

    /// XSA-122: Xen once copied a string's whole buffer from uninitialised stack; every byte after
    /// the NUL must be zero (xen/common/kernel.c now clears the buffer: `memset(&info, 0, ...)`
    /// before safe_strcpy).
    private mutating func checkStringTail(_ name: String, _ bytes: [UInt8]) {
        guard let nul = bytes.firstIndex(of: 0) else {
            record(name + " after the NUL", false, "no NUL in \(bytes.count) bytes")
            return
        }
        let leaked = bytes[nul...].indices.filter { bytes[$0] != 0 }
        record(name + " after the NUL", leaked.isEmpty,
               leaked.isEmpty ? "\(bytes.count - nul) bytes after the string at \(nul) are 0 (XSA-122)"
                              : "\(leaked.count) non-zero bytes after the NUL at \(nul), first at \(leaked[0]) (XSA-122)")
    }

    /// The buffers of plan version 2's state-changing calls.
    private mutating func checkStateBuffer(_ name: String, _ spec: EntryBuffer, _ bytes: [UInt8], initial: [UInt8]?,
                                           abi: Architecture) {
        guard let initial, initial.count == bytes.count else {
            record(name, false, "cannot tell what the guest stored (no placement)")
            return
        }
        func same(except ranges: [Range<Int>]) -> [Int] {
            bytes.indices.filter { i in bytes[i] != initial[i] && !ranges.contains { $0.contains(i) } }
        }
        switch spec.role {
        case .request(let layout, let written):
            let writable = written.keys.compactMap { layout.field($0) }.map { $0.offset..<($0.offset + $0.size) }
            let changed = same(except: writable)
            record(name + " read only", changed.isEmpty,
                   changed.isEmpty ? "\(layout.size) bytes as the guest stored them"
                                     + (written.isEmpty ? "" : " but \(written.keys.sorted().joined(separator: ", "))")
                                     + ", sentinel untouched after"
                                   : "Xen changed bytes \(changed.prefix(8)) it should only read")
            guard !written.isEmpty, let value = try? layout.decode(bytes) else { return }
            var wrong: [String] = []
            for (field, expectation) in written.sorted(by: { $0.key < $1.key }) {
                if case .equals(let v) = expectation, value[field] != v { wrong.append("\(field)=\(hex(value[field]))≠\(hex(v))") }
                if let f = layout.field(field), bytes[f.offset..<(f.offset + f.size)].allSatisfy({ $0 == sentinel }) {
                    wrong.append("\(field) not written")
                }
            }
            record(name + " written", wrong.isEmpty,
                   wrong.isEmpty ? written.keys.sorted().map { "\($0)=0x\(hex(value[$0]))" }.joined(separator: " ")
                                 : wrong.joined(separator: ", "))
        case .batch(let layout, let count, let results):
            let filled = layout.size * count
            let result = layout.field("result")
            if results.isEmpty {
                let changed = same(except: [])
                record(name + " read only", changed.isEmpty,
                       changed.isEmpty ? "\(count) structures of \(layout.size) bytes as stored" : "Xen changed bytes \(changed.prefix(8))")
                return
            }
            let resultRanges = (0..<count).compactMap { k in result.map { (k * layout.size + $0.offset)..<(k * layout.size + $0.offset + $0.size) } }
            let changed = same(except: resultRanges)
            record(name + " read only", changed.isEmpty,
                   changed.isEmpty ? "every entry as stored but its result, sentinel untouched after \(filled) bytes"
                                   : "Xen changed bytes \(changed.prefix(8)) outside the results")
            for (k, expectation) in results.enumerated() {
                guard let value = try? layout.decode(bytes, at: k * layout.size), let raw = value["result"] else { continue }
                let signed = layout.field("result")!.size == 4 ? Int64(Int32(truncatingIfNeeded: raw)) : Int64(bitPattern: raw)
                let got = HypercallResult(rc: signed)
                let ok: Bool
                switch expectation {
                case .zero: ok = signed == 0
                case .value: ok = signed >= 0 && raw != PlanConstants.resultPoison
                case .error(let errno): ok = got.errno == errno
                case .exactly(let n): ok = signed == n
                }
                record(name + " entry \(k) result", ok, "\(describe(got)), expected \(expectation)")
            }
        case .frames(let count):
            let changed = same(except: [])
            record(name + " read only", changed.isEmpty,
                   changed.isEmpty ? "\(count) frame number(s) as the guest stored them" : "Xen changed bytes \(changed.prefix(8))")
        case .errors(let count):
            let zero = bytes.prefix(4 * count).allSatisfy { $0 == 0 }
            let rest = bytes[(4 * count)...].allSatisfy { $0 == sentinel }
            record(name + " errs", zero && rest, zero && rest ? "\(count) error slot(s) written 0, sentinel after"
                                                              : "errs \(bytes.prefix(4 * count)), sentinel after: \(rest)")
        case .frameList(let count):
            let version = (abi == .x86_32 ? results32 : results64).xenVersion ?? 0
            if abi == .x86_32, version >= PlanConstants.compatFrameListCheckedSince {
                // The unmapped grant frame's gfn is INVALID_GFN, wider than compat_pfn_t: from 4.18
                // Xen writes no frame (and, the status copied before, still reports GNTST_okay).
                let changed = same(except: [])
                record(name + " untouched (Xen 4.18+ compat)", changed.isEmpty,
                       changed.isEmpty ? "\(count) frame(s) not written: INVALID_GFN does not fit compat_pfn_t "
                                         + "(xen/common/compat/grant_table.c, commit 1043dfb165)"
                                       : "Xen wrote bytes \(changed.prefix(8)), expected none from Xen 4.18 on")
            } else {
                let width = bytes.count - PlanConstants.slack
                checkExtent(name, bytes, filled: width, lastWritten: (width - 1)..<width)
            }
        case .count(let expected):
            let value = UInt64(LittleEndian.value(bytes[0..<4], as: UInt32.self) ?? 0)
            let rest = bytes[4...].allSatisfy { $0 == sentinel }
            record(name + " value", value == expected && rest, "\(value), expected \(expected), sentinel after: \(rest)")
        case .sharedInfo(let layout):
            guard let v = try? layout.decode(bytes) else {
                record(name, false, "cannot decode shared_info")
                return
            }
            let version = v["vcpu_info[0].time.version"] ?? 1, wc = v["wc_version"] ?? 1
            let mul = v["vcpu_info[0].time.tsc_to_system_mul"] ?? 0, sec = v["wc_sec"] ?? 0
            record(name + " vcpu_time_info", version % 2 == 0 && version > 0 && mul != 0,
                   "vcpu_info[0].time: version \(version) (even: not being updated), tsc_to_system_mul 0x\(hex(mul)), "
                   + "tsc_shift \(v["vcpu_info[0].time.tsc_shift"].map { Int8(truncatingIfNeeded: $0) } ?? 0), "
                   + "system_time \(v["vcpu_info[0].time.system_time"] ?? 0) ns")
            record(name + " wallclock", wc % 2 == 0 && sec > 0, "wc_version \(wc), wc_sec \(sec), wc_nsec \(v["wc_nsec"] ?? 0)")
        case .copyDestination(let copied):
            let head = Array(bytes.prefix(copied.count))
            let rest = bytes[copied.count...].allSatisfy { $0 == sentinel }
            record(name + " copied", head == copied && rest,
                   head == copied ? "\(copied.count) bytes \"\(String(decoding: copied, as: UTF8.self))\", "
                                    + (rest ? "the rest of the page untouched" : "but more was written")
                                  : "the first \(copied.count) bytes are not the granted page's")
        case .input(let length):
            let changed = same(except: [])
            record(name + " read only", changed.isEmpty,
                   changed.isEmpty ? "\(length) input bytes intact, sentinel after" : "Xen wrote bytes \(changed.prefix(8))")
        default:
            record(name, false, "no check for this role")
        }
    }

    /// The last byte of the field that ends last: Xen must have written it. (Little-endian, that
    /// is the top byte of a count, a time or a string's last char: 0 here, never the sentinel 0xa5.)
    // MARK: between the guests

    private func bytes(_ call: GuestCallResult, _ position: Int) -> [UInt8]? {
        let indices = call.buffers.keys.sorted()
        return position < indices.count ? call.buffers[indices[position]] : nil
    }

    private mutating func compare(_ e32: PlanEntry, _ c32: GuestCallResult, _ e64: PlanEntry, _ c64: GuestCallResult) {
        let name = "abi32/abi64 \(e32.name)"
        switch e32.returns {
        case .value:
            record(name + " agree", c32.returned == c64.returned, "\(c32.returned) and \(c64.returned)")
        case .error:
            let r32 = HypercallResult(rc: c32.returned), r64 = HypercallResult(rc: c64.returned)
            record(name + " same error", r32 == r64, "\(describe(r32)) and \(describe(r64))")
        case .exactly:
            record(name + " agree", c32.returned == c64.returned, "\(c32.returned) and \(c64.returned)")
        case .zero:
            break
        }
        for (position, (b32, b64)) in zip(e32.printedBuffers, e64.printedBuffers).enumerated() {
            guard let x = bytes(c32, position), let y = bytes(c64, position) else { continue }
            switch (b32.role, b64.role) {
            case (.request(let l32, let written), .request(let l64, _)):
                var differing = guestStored(e32, position: position, abi: .x86_32)
                for (field, expectation) in written where expectation == .any(agree: false) { differing.insert(field) }
                checkCompat(name + " " + l32.name, l32, x, l64, y, except: differing)
            case (.batch(let l32, let count, _), .batch(let l64, _, _)):
                guard x.count >= count * l32.size, y.count >= count * l64.size else {
                    record(name + " " + l32.name + " compat translation", false,
                           "\(x.count) and \(y.count) bytes printed, \(count) entries need \(count * l32.size) and \(count * l64.size)")
                    continue
                }
                for k in 0..<count {
                    let a = Array(x[(k * l32.size)..<((k + 1) * l32.size)]), b = Array(y[(k * l64.size)..<((k + 1) * l64.size)])
                    checkCompat(name + " " + l32.name + " entry \(k)", l32, a, l64, b, except: [])
                }
            case (.sharedInfo(let l32), .sharedInfo(let l64)):
                guard let v32 = try? l32.decode(x), let v64 = try? l64.decode(y) else { continue }
                // tsc_to_system_mul is each boot's own calibration (measured: it differs between the two guests).
                let same = ["vcpu_info[0].time.tsc_shift", "vcpu_info[0].evtchn_upcall_mask"]
                let differing = same.filter { v32[$0] != v64[$0] }
                record(name + " vcpu_time_info agree", differing.isEmpty,
                       differing.isEmpty ? "\(same.joined(separator: ", ")) decode alike from the \(l32.size)- and \(l64.size)-byte layouts"
                                         : "differ: \(differing.joined(separator: ", "))")
                let s32 = Int64(v32["wc_sec"] ?? 0), s64 = Int64(v64["wc_sec"] ?? 0)
                record(name + " wallclock agree", abs(s32 - s64) <= PlanConstants.wallclockSkew,
                       "wc_sec \(s32) and \(s64): the guests booted together (at most \(PlanConstants.wallclockSkew) s apart)")
            case (.text(let n), .text):
                let equal = x.prefix(n) == y.prefix(n)
                record(name + " agree", equal, equal ? "same \(n) bytes: \"\(cString(x.prefix(n)))\"" : "texts differ")
            case (.output(let l32), .output(let l64)), (.inOut(let l32), .inOut(let l64)):
                compareStructures(name, e32.name, l32, x, l64, y)
                checkCompat(name, l32, x, l64, y, agree: Self.agreeingStructures.contains(l32.name))
            case (.records(let size, let countBuffer, let field), .records):
                guard case .inOut(let l32) = e32.buffers[countBuffer].role,
                      case .inOut(let l64) = e64.buffers[countBuffer].role,
                      let h32 = bytes(c32, countBuffer), let h64 = bytes(c64, countBuffer),
                      let n32 = try? l32.decode(h32)[field], let n64 = try? l64.decode(h64)[field] else { continue }
                let filled = Int(clamping: n32) * size
                let equal = n32 == n64 && filled <= min(x.count, y.count) && x.prefix(filled) == y.prefix(filled)
                record(name + " records agree", equal, "\(n32) and \(n64) records of \(size) bytes"
                       + (equal ? ", identical" : ", different"))
            default:
                continue
            }
        }
    }

    private mutating func compareStructures(_ name: String, _ entry: String, _ l32: StructLayout, _ x: [UInt8],
                                            _ l64: StructLayout, _ y: [UInt8]) {
        guard let v32 = try? l32.decode(x), let v64 = try? l64.decode(y) else {
            record(name, false, "cannot decode \(l32.name)")
            return
        }
        switch l32.name {
        case "xen_platform_parameters":
            // Differs by design up to Xen 4.17: a 64-bit guest is told where Xen's area starts, a
            // 32-bit HVM guest 0; from 4.18 on both get 0. The release is the one the guests ran on.
            guard let version = results64.xenVersion, results32.xenVersion == version else {
                record(name + " virt_start by design", false,
                       "the guests' Xen versions are unknown or differ: 0x\(hex(results32.xenVersion.map(UInt64.init))) "
                       + "and 0x\(hex(results64.xenVersion.map(UInt64.init)))")
                return
            }
            let want32 = PlanConstants.hvmVirtStart(.x86_32, xenVersion: version)
            let want64 = PlanConstants.hvmVirtStart(.x86_64, xenVersion: version)
            let got32 = v32["virt_start"], got64 = v64["virt_start"]
            record(name + " virt_start by design", got32 == want32 && got64 == want64,
                   "0x\(hex(got32)) and 0x\(hex(got64)), documented 0x\(hex(want32)) and 0x\(hex(want64)) "
                   + "for Xen \(version >> 16).\(version & 0xffff)")
        case "vcpu_runstate_info":
            // The times move between the boots; the state is the caller's own: running.
            let running = PlanConstants.RUNSTATE_running
            record(name + " state", v32["state"] == running && v64["state"] == running,
                   "state \(hex(v32["state"])) and \(hex(v64["state"])), RUNSTATE_running is \(running)")
        case "xen_memory_map":
            // The handle differs (each guest's own address); the count Xen wrote back must not.
            record(name + " nr_entries agree", v32["nr_entries"] == v64["nr_entries"],
                   "\(hex(v32["nr_entries"])) and \(hex(v64["nr_entries"]))")
        default:
            let differing = Set(v32.fields.keys).union(v64.fields.keys).sorted().filter { v32.fields[$0] != v64.fields[$0] }
            record(name + " agree", differing.isEmpty,
                   differing.isEmpty ? "\(v32.fields.count) fields decode to the same values"
                                     : "fields differ: \(differing.joined(separator: ", "))")
        }
    }

    /// XenCompat translates the 32-bit guest's structure to the native layout: the values stay
    /// the same, and where the two guests must agree the bytes equal the 64-bit guest's.
    private mutating func checkCompat(_ name: String, _ l32: StructLayout, _ x: [UInt8],
                                      _ l64: StructLayout, _ y: [UInt8], except: Set<String>) {
        guard let description = Catalog.structure(l32.name), l32.size <= x.count, l64.size <= y.count else { return }
        do {
            let native = try CompatTranslator(description).toNative(Array(x.prefix(l32.size)))
            let before = try l32.decode(Array(x.prefix(l32.size))), after = try l64.decode(native)
            let theirs = try l64.decode(Array(y.prefix(l64.size)))
            let excluded = { (path: String) in except.contains { path == $0 || path.hasPrefix($0 + ".") } }
            // multicall_entry.result is sign-extended in (docs/abi.md): a changed value is right when it is the 64-bit guest's.
            let changed = Set(before.fields.keys).union(after.fields.keys).sorted()
                .filter { before.fields[$0] != after.fields[$0] && !(l32.name == "multicall_entry" && $0 == "result"
                                                                      && after.fields[$0] == theirs.fields[$0]) }
            let unlike = Set(after.fields.keys).union(theirs.fields.keys).sorted()
                .filter { !excluded($0) && after.fields[$0] != theirs.fields[$0] }
            record(name + " compat translation", changed.isEmpty && unlike.isEmpty && native.count == l64.size,
                   changed.isEmpty && unlike.isEmpty
                       ? "\(l32.size) compat bytes -> \(native.count) native bytes equal to the 64-bit guest's"
                         + (except.isEmpty ? "" : " but its own \(except.sorted().joined(separator: ", "))")
                       : "values changed: \(changed.joined(separator: ", ")); unlike the 64-bit guest's: \(unlike.joined(separator: ", "))")
        } catch {
            record(name + " compat translation", false, "\(error)")
        }
    }

    private mutating func checkCompat(_ name: String, _ l32: StructLayout, _ x: [UInt8],
                                      _ l64: StructLayout, _ y: [UInt8], agree: Bool) {
        guard let description = Catalog.structure(l32.name), l32.size <= x.count, l64.size <= y.count else { return }
        let compatBytes = Array(x.prefix(l32.size))
        do {
            let translator = try CompatTranslator(description)
            let native = try translator.toNative(compatBytes)
            let before = try l32.decode(compatBytes), after = try l64.decode(native)
            let changed = Set(before.fields.keys).union(after.fields.keys).sorted()
                .filter { before.fields[$0] != after.fields[$0] }
            var detail = changed.isEmpty
                ? "\(l32.size) compat bytes -> \(native.count) native bytes, \(after.fields.count) fields keep their values"
                : "values changed in translation: \(changed.joined(separator: ", "))"
            var passed = changed.isEmpty && native.count == l64.size
            if agree {
                let same = native == Array(y.prefix(l64.size))
                passed = passed && same
                detail += same ? ", identical to the 64-bit guest's" : ", but not the 64-bit guest's bytes"
            }
            record(name + " compat translation", passed, detail)
        } catch {
            record(name + " compat translation", false, "\(error)")
        }
    }

    /// Structures whose bytes the two guests must see alike once translated (no addresses, no times,
    /// no by-design differences).
    static let agreeingStructures: Set<String> = ["xen_compile_info", "xen_feature_info"]

    private func describe(_ r: HypercallResult) -> String {
        r.errno.map { "-\($0)" } ?? "\(r.rc)"
    }

    private func hex(_ v: UInt64?) -> String { v.map { String($0, radix: 16) } ?? "none" }

    private func cString(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}
