import XenInterface

/// What the PVH plan checks (`RealXenChecks`) and the PV guest checks (`PVGuestChecks`) share:
/// verdicts recorded in order, and the two checks every buffer Xen filled gets against its
/// gcc-proven layout -- where Xen stopped writing (the sentinel untouched past it) and that the
/// layout's padding holds zero.
protocol BufferVerdicts {
    /// The byte each plan filled its buffers with before the call.
    var sentinel: UInt8 { get }
    /// The verdicts so far.
    var verdicts: [CheckVerdict] { get set }
}

extension BufferVerdicts {
    /// Records one verdict.
    mutating func record(_ name: String, _ passed: Bool, _ detail: String) {
        verdicts.append(CheckVerdict(name: name, passed: passed, detail: detail))
    }

    /// The bytes of the layout's last field (its last byte): a structure Xen filled whole has
    /// written there.
    func lastField(_ layout: StructLayout) -> Range<Int>? {
        layout.fields.map { $0.offset + $0.size }.max().map { ($0 - 1)..<$0 }
    }

    /// Whether every byte from `start` on still holds the sentinel.
    func untouched(_ bytes: [UInt8], from start: Int) -> Bool {
        start <= bytes.count && bytes[start...].allSatisfy { $0 == sentinel }
    }

    /// Xen wrote `filled` bytes: the sentinel is untouched from there on, and (when given) the
    /// bytes `lastWritten` are not all sentinel, so the structure ends exactly there.
    mutating func checkExtent(_ name: String, _ bytes: [UInt8], filled: Int, lastWritten: Range<Int>?) {
        guard filled <= bytes.count, lastWritten.map({ $0.lowerBound >= 0 && $0.upperBound <= bytes.count }) ?? true else {
            record(name + " extent", false, "layout says \(filled) bytes, buffer has \(bytes.count)")
            return
        }
        let firstTouched = bytes[filled...].firstIndex { $0 != sentinel }
        let written = lastWritten.map { !bytes[$0].allSatisfy { $0 == sentinel } } ?? true
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
    mutating func checkPadding(_ name: String, _ bytes: [UInt8], _ layout: StructLayout) {
        var covered = [Bool](repeating: false, count: layout.size)
        for field in layout.fields {
            for i in field.offset..<min(field.offset + field.size, layout.size) { covered[i] = true }
        }
        let padding = covered.indices.filter { !covered[$0] && $0 < bytes.count }
        guard let first = padding.first, let last = padding.last else { return }
        let nonZero = padding.filter { bytes[$0] != 0 }
        record(name + " padding", nonZero.isEmpty,
               nonZero.isEmpty ? "\(padding.count) padding bytes at \(first)...\(last) hold 0"
                               : "padding bytes \(nonZero) are not 0")
    }
}
