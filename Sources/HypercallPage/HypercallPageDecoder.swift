import XenInterface

/// The `__HYPERVISOR_iret` entry forms (see `HypercallStub.iretSequence`).
public enum IretEntryForm: String, Sendable, Equatable {
    /// ud2: HVM and PVH, both vmx and svm.
    case hvm
    /// 64-bit PV: push %rcx, %r11, %rax, load the number, syscall (xen/arch/x86/pv/hypercall.c).
    case pv64
    /// 32-bit PV: push %eax, load the number, int $0x82 (xen/arch/x86/pv/hypercall.c).
    case pv32

    func fits(_ flavor: HypercallStubFlavor) -> Bool {
        switch self {
        case .hvm: return flavor.isHVM
        case .pv64: return flavor == .pv64
        case .pv32: return flavor == .pv32
        }
    }
}

/// What one 32-byte entry of a page holds.
public enum DecodedEntry: Sendable, Equatable {
    /// An ordinary entry of `flavor` that loads hypercall `number`.
    case call(HypercallStubFlavor, number: UInt32)
    /// The iret entry's own sequence.
    case iret(IretEntryForm)
    /// Bytes no Xen writer produces.
    case unrecognized
}

/// Something in a page that Xen would not have written.
public enum HypercallPageAnomaly: Sendable, Equatable, CustomStringConvertible {
    /// The page is not 4096 bytes.
    case wrongSize(Int)
    /// The entry's code matches no flavor.
    case unrecognized(entry: Int)
    /// An ordinary entry loads another hypercall number than its position.
    case numberMismatch(entry: Int, number: UInt32)
    /// After the code, the entry is not int3 fill; `offset` is the first other byte in the entry.
    case fillNotInt3(entry: Int, offset: Int)
    /// The __HYPERVISOR_iret position holds an ordinary entry.
    case iretEntryIsOrdinary(entry: Int)
    /// An iret sequence at another position.
    case iretOutOfPlace(entry: Int)
    /// The iret sequence belongs to another flavor than the page's ordinary entries.
    case iretFormMismatch(entry: Int, form: IretEntryForm)
    /// Ordinary entries of different flavors.
    case mixedFlavors([HypercallStubFlavor])

    /// One line naming the entry and what is wrong with it.
    public var description: String {
        switch self {
        case .wrongSize(let n): return "page is \(n) bytes, not \(XEN_PAGE_SIZE)"
        case .unrecognized(let e): return "entry \(e): not a hypercall stub"
        case .numberMismatch(let e, let n): return "entry \(e): loads hypercall \(n)"
        case .fillNotInt3(let e, let o): return "entry \(e): byte \(o) is not int3 fill"
        case .iretEntryIsOrdinary(let e): return "entry \(e) (iret): ordinary stub instead of the iret sequence"
        case .iretOutOfPlace(let e): return "entry \(e): iret sequence outside the iret entry"
        case .iretFormMismatch(let e, let f): return "entry \(e): \(f.rawValue) iret sequence on a page of another flavor"
        case .mixedFlavors(let fs): return "entries of several flavors: \(fs.map(\.rawValue).joined(separator: ", "))"
        }
    }
}

/// A decoded page: what each entry holds, the flavor they share, and every anomaly.
public struct HypercallPageReport: Sendable, Equatable {
    /// Each 32-byte entry decoded, in page order (128 for a full page; fewer for a short one).
    public let entries: [DecodedEntry]
    /// The flavor of the ordinary entries when they all agree.
    public let flavor: HypercallStubFlavor?
    /// Everything Xen would not have written, in page order (a wrong size first); empty for a good page.
    public let anomalies: [HypercallPageAnomaly]

    /// True when the page is exactly what Xen writes for `flavor`.
    public var isWellFormed: Bool { flavor != nil && anomalies.isEmpty }
}

/// Decodes hypercall pages from their bytes (read from memory or a file).
public enum HypercallPageDecoder {
    static let ordinaryTemplates = HypercallStubFlavor.allCases.map {
        ($0, HypercallStub.prefix($0), HypercallStub.suffix($0))
    }
    static let iretTemplates: [(IretEntryForm, [UInt8])] = [
        (.pv64, HypercallStub.iretSequence(.pv64)), (.pv32, HypercallStub.iretSequence(.pv32)),
        (.hvm, HypercallStub.iretSequence(.svm)),
    ]

    /// Decodes one entry's 32 bytes (fewer when the page is short): the entry and the
    /// offset of its first byte that is neither code nor int3 fill.
    public static func decodeEntry(_ bytes: ArraySlice<UInt8>) -> (DecodedEntry, badFillOffset: Int?) {
        let entry = Array(bytes)
        func fillCheck(_ codeLength: Int) -> Int? {
            entry.indices.first { $0 >= codeLength && entry[$0] != HypercallStub.fill }
        }
        for (flavor, prefix, suffix) in ordinaryTemplates {
            let length = prefix.count + 4 + suffix.count
            guard entry.count >= length,
                  entry.starts(with: prefix),
                  entry[(prefix.count + 4)..<length].elementsEqual(suffix)
            else { continue }
            let imm = entry[prefix.count..<(prefix.count + 4)].reversed()
                .reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return (.call(flavor, number: imm), fillCheck(length))
        }
        for (form, sequence) in iretTemplates {
            if entry.starts(with: sequence) { return (.iret(form), fillCheck(sequence.count)) }
        }
        return (.unrecognized, nil)
    }

    /// Decodes a whole page and lists everything Xen would not have written.
    public static func decode(_ page: [UInt8]) -> HypercallPageReport {
        var anomalies: [HypercallPageAnomaly] = []
        if page.count != XEN_PAGE_SIZE { anomalies.append(.wrongSize(page.count)) }
        let iretIndex = Int(HypercallNumber.iret.rawValue)
        var entries: [DecodedEntry] = []
        var flavorsSeen: [HypercallStubFlavor] = []
        var irets: [(Int, IretEntryForm)] = []
        let slots = min(page.count, XEN_PAGE_SIZE) / HypercallStub.entrySize
        for i in 0..<slots {
            let start = i * HypercallStub.entrySize
            let (entry, badFill) = decodeEntry(page[start..<(start + HypercallStub.entrySize)])
            entries.append(entry)
            switch entry {
            case .call(let flavor, let number):
                if !flavorsSeen.contains(flavor) { flavorsSeen.append(flavor) }
                if i == iretIndex { anomalies.append(.iretEntryIsOrdinary(entry: i)) }
                else if number != UInt32(i) { anomalies.append(.numberMismatch(entry: i, number: number)) }
            case .iret(let form):
                if i != iretIndex { anomalies.append(.iretOutOfPlace(entry: i)) }
                irets.append((i, form))
            case .unrecognized:
                anomalies.append(.unrecognized(entry: i))
            }
            if let offset = badFill { anomalies.append(.fillNotInt3(entry: i, offset: offset)) }
        }
        var flavor: HypercallStubFlavor? = nil
        if flavorsSeen.count == 1 {
            flavor = flavorsSeen[0]
            for (i, form) in irets where !form.fits(flavorsSeen[0]) {
                anomalies.append(.iretFormMismatch(entry: i, form: form))
            }
        } else if flavorsSeen.count > 1 {
            anomalies.append(.mixedFlavors(flavorsSeen))
        }
        return HypercallPageReport(entries: entries, flavor: flavor, anomalies: anomalies)
    }
}

extension HypercallPageDecoder {
    /// The page in a file's content: the raw bytes, or, when the content is only hex digits and
    /// white space (as `install --show-page` prints and `xxd -p` writes), the bytes they spell.
    /// nil for hex text with an odd number of digits.
    public static func pageBytes(fromFile content: [UInt8]) -> [UInt8]? {
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        let space: Set<UInt8> = [0x20, 0x09, 0x0a, 0x0d]
        guard !content.isEmpty, content.allSatisfy({ nibble($0) != nil || space.contains($0) }) else { return content }
        let digits = content.compactMap(nibble)
        guard digits.count % 2 == 0 else { return nil }
        return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }
}
