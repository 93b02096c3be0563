import XenCompat
import XenInterface

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
package struct RealXenChecks {
    package let results32: GuestResults
    package let results64: GuestResults
    /// The sentinel both plans used.
    package let sentinel: UInt8
    package private(set) var verdicts: [CheckVerdict] = []

    package init(results32: GuestResults, results64: GuestResults, sentinel: UInt8 = HypercallPlan.defaultSentinel) {
        self.results32 = results32
        self.results64 = results64
        self.sentinel = sentinel
    }

    private mutating func record(_ name: String, _ passed: Bool, _ detail: String) {
        verdicts.append(CheckVerdict(name: name, passed: passed, detail: detail))
    }

    /// Runs every check; the verdicts say what passed and what failed.
    package mutating func run() -> [CheckVerdict] {
        verdicts = []
        let entries32 = PlanCatalog.entries(.x86_32), entries64 = PlanCatalog.entries(.x86_64)
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
        return verdicts
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
            record(name, got.errno == errno, "\(describe(got)), expected \(errno)")
        }
    }

    private mutating func checkBuffers(_ entry: PlanEntry, _ call: GuestCallResult, _ abi: Architecture) {
        let indices = call.buffers.keys.sorted()
        guard indices.count == entry.buffers.count else {
            record("abi\(abi.bits) \(entry.name) buffers", false,
                   "\(indices.count) buffers printed, the plan has \(entry.buffers.count)")
            return
        }
        for (position, spec) in entry.buffers.enumerated() {
            guard let bytes = call.buffers[indices[position]] else { continue }
            let name = "abi\(abi.bits) \(entry.name) \(spec.name)"
            switch spec.role {
            case .output(let layout):
                checkExtent(name, bytes, filled: layout.size, lastWritten: lastField(layout))
                checkPadding(name, bytes, layout)
            case .text(let length):
                checkExtent(name, bytes, filled: length, lastWritten: (length - 1)..<length)
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
            }
        }
    }

    /// The last byte of the field that ends last: Xen must have written it. (Little-endian, that
    /// is the top byte of a count, a time or a string's last char: 0 here, never the sentinel 0xa5.)
    private func lastField(_ layout: StructLayout) -> Range<Int>? {
        layout.fields.map { $0.offset + $0.size }.max().map { ($0 - 1)..<$0 }
    }

    private func untouched(_ bytes: [UInt8], from start: Int) -> Bool {
        start <= bytes.count && bytes[start...].allSatisfy { $0 == sentinel }
    }

    /// Xen wrote `filled` bytes: the sentinel is untouched from there on, and (when given) the
    /// last field is not all sentinel, so the structure ends exactly there.
    private mutating func checkExtent(_ name: String, _ bytes: [UInt8], filled: Int, lastWritten: Range<Int>?) {
        guard filled <= bytes.count else {
            record(name + " extent", false, "layout says \(filled) bytes, buffer has \(bytes.count)")
            return
        }
        let firstTouched = bytes[filled...].firstIndex { $0 != sentinel }
        var written = true
        if let lastWritten, lastWritten.upperBound <= bytes.count {
            written = !bytes[lastWritten].allSatisfy { $0 == sentinel }
        }
        let detail: String
        if let firstTouched {
            detail = "Xen wrote past the layout's \(filled) bytes (byte \(firstTouched))"
        } else if !written {
            detail = "Xen stopped before the layout's \(filled) bytes"
        } else {
            detail = "Xen wrote \(filled) bytes, sentinel untouched after"
        }
        record(name + " extent", firstTouched == nil && written, detail)
    }

    /// Padding the layout leaves between fields: Xen copies whole structures, so it holds zero
    /// (never the sentinel, never data).
    private mutating func checkPadding(_ name: String, _ bytes: [UInt8], _ layout: StructLayout) {
        var covered = [Bool](repeating: false, count: layout.size)
        for field in layout.fields {
            for i in field.offset..<min(field.offset + field.size, layout.size) { covered[i] = true }
        }
        let padding = covered.indices.filter { !covered[$0] && $0 < bytes.count }
        guard !padding.isEmpty else { return }
        let nonZero = padding.filter { bytes[$0] != 0 }
        record(name + " padding", nonZero.isEmpty,
               nonZero.isEmpty ? "\(padding.count) padding bytes at \(padding.first!)...\(padding.last!) hold 0"
                               : "padding bytes \(nonZero) are not 0")
    }

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
        case .zero:
            break
        }
        for (position, (b32, b64)) in zip(e32.buffers, e64.buffers).enumerated() {
            guard let x = bytes(c32, position), let y = bytes(c64, position) else { continue }
            switch (b32.role, b64.role) {
            case (.text(let n), .text):
                let equal = x.prefix(n) == y.prefix(n)
                record(name + " agree", equal, equal ? "same \(n) bytes: \"\(cString(x.prefix(n)))\"" : "texts differ")
            case (.output(let l32), .output(let l64)), (.inOut(let l32), .inOut(let l64)):
                compareStructures(name, e32.name, l32, x, l64, y)
                checkCompat(name, l32, x, l64, y)
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
                                      _ l64: StructLayout, _ y: [UInt8]) {
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
            if Self.agreeingStructures.contains(l32.name) {
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
