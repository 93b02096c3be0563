import Rendering
import XenSystem

/// Why a recorded dump was rejected. Line numbers count from 1.
public enum CPUIDDumpError: Error, Equatable, CustomStringConvertible {
    /// Line `line` is neither blank, a `#` comment, a `CPU N:` header nor a complete leaf line;
    /// `reason` says which part is wrong.
    case syntax(line: Int, reason: String)
    /// Line `line` records `leaf`/`subleaf` a second time under the same CPU header.
    case duplicate(line: Int, leaf: UInt32, subleaf: UInt32)
    /// No CPU in the text has a single leaf line.
    case empty
    /// The text is `bytes` long, more than `CPUIDDump.maximumBytes`; nothing was parsed.
    case tooLarge(bytes: Int)

    /// One line naming the dump line and what is wrong with it.
    public var description: String {
        switch self {
        case .syntax(let line, let reason): return "dump line \(line): \(reason)"
        case .duplicate(let line, let leaf, let subleaf):
            return "dump line \(line): leaf \(hex32(leaf)) subleaf \(hex32(subleaf)) recorded twice for one CPU"
        case .empty: return "dump holds no CPUID leaves"
        case .tooLarge(let bytes): return "dump is \(bytes) bytes; refusing more than \(CPUIDDump.maximumBytes)"
        }
    }
}

/// The text format of Debian's `cpuid -r` (the cpuid package by Todd Allen): optional `CPU N:`
/// (or `CPU:`) headers, then one line per leaf:
/// `   0x40000000 0x00: eax=0x40000001 ebx=0x4b4d564b ecx=0x564b4d56 edx=0x0000004d`.
public struct CPUIDDump: Equatable, Sendable {
    /// One CPU's leaves, in file order.
    public struct CPU: Equatable, Sendable {
        /// The header without its colon ("CPU", "CPU 3"); "CPU" for leaves before any header.
        public var label: String
        /// Each leaf line as (leaf, sub-leaf) and its four registers, in the order of the file.
        public var leaves: [(key: TableCPUID.Key, registers: CPUIDRegisters)]

        /// Same label and the same leaves in the same order (tuples are not `Equatable`).
        public static func == (a: CPU, b: CPU) -> Bool {
            a.label == b.label && a.leaves.elementsEqual(b.leaves) { $0.key == $1.key && $0.registers == $1.registers }
        }
    }

    /// The largest dump accepted, in bytes (16 MiB): `init(parsing:)` throws `.tooLarge` above it,
    /// and `SourceSpecification.open` stops reading a bigger file with EFBIG.
    public static let maximumBytes = 16 << 20

    /// The CPUs in file order, each with its leaves (a CPU header with no leaves is kept, empty).
    public var cpus: [CPU]

    /// A dump of `cpus`, as parsed or built by a test.
    public init(cpus: [CPU]) { self.cpus = cpus }

    /// Parses `cpuid -r` text. Blank lines and `#` comments are allowed; anything else that is
    /// neither a header nor a complete leaf line is an error naming the line.
    public init(parsing text: String) throws(CPUIDDumpError) {
        let utf8 = Array(text.utf8)
        if utf8.count > CPUIDDump.maximumBytes { throw .tooLarge(bytes: utf8.count) }
        var cpus: [CPU] = []
        var seen: Set<TableCPUID.Key> = []
        var lineNumber = 0
        for rawLine in utf8.split(separator: 0x0a, omittingEmptySubsequences: false) {
            lineNumber += 1
            // Fast path: an all-ASCII comment or leaf line, read byte by byte. Anything else (a
            // header, a line with an error, any non-ASCII byte) takes the Character-level path
            // below, which is the definition of the format and names what is wrong.
            switch CPUIDDump.readASCIILine(rawLine) {
            case .skip: continue
            case .leaf(let entry):
                if cpus.isEmpty { cpus.append(CPU(label: "CPU", leaves: [])) }
                guard seen.insert(entry.key).inserted else {
                    throw .duplicate(line: lineNumber, leaf: entry.key.leaf, subleaf: entry.key.subleaf)
                }
                cpus[cpus.count - 1].leaves.append(entry)
                continue
            case .other: break
            }
            var line = Substring(decoding: rawLine, as: UTF8.self)
            if line.last == "\r" { line = line.dropLast() }
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if trimmed.hasPrefix("CPU") {
                guard trimmed.hasSuffix(":") else {
                    throw .syntax(line: lineNumber, reason: "a CPU header must end with ':'")
                }
                let label = String(trimmed.dropLast())
                let rest = label.dropFirst(3)
                guard rest.isEmpty || (rest.first == " " && rest.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) && rest.count > 1) else {
                    throw .syntax(line: lineNumber, reason: "expected 'CPU:' or 'CPU N:'")
                }
                cpus.append(CPU(label: label, leaves: []))
                seen = []
                continue
            }
            let entry = try CPUIDDump.parseLeafLine(trimmed, line: lineNumber)
            if cpus.isEmpty { cpus.append(CPU(label: "CPU", leaves: [])) }
            guard seen.insert(entry.key).inserted else {
                throw .duplicate(line: lineNumber, leaf: entry.key.leaf, subleaf: entry.key.subleaf)
            }
            cpus[cpus.count - 1].leaves.append(entry)
        }
        guard cpus.contains(where: { !$0.leaves.isEmpty }) else { throw .empty }
        self.cpus = cpus
    }

    private static func parseLeafLine(
        _ line: Substring, line number: Int
    ) throws(CPUIDDumpError) -> (key: TableCPUID.Key, registers: CPUIDRegisters) {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 6 else {
            throw .syntax(line: number, reason: "expected 'LEAF SUBLEAF: eax=… ebx=… ecx=… edx=…', got \(fields.count) fields")
        }
        guard fields[1].hasSuffix(":") else {
            throw .syntax(line: number, reason: "sub-leaf must be followed by ':'")
        }
        guard let leaf = hexValue(fields[0]), let subleaf = hexValue(fields[1].dropLast()) else {
            throw .syntax(line: number, reason: "leaf and sub-leaf must be 0x-prefixed 32-bit hex numbers")
        }
        var values: [UInt32] = []
        for (field, register) in zip(fields[2...], ["eax=", "ebx=", "ecx=", "edx="]) {
            guard field.hasPrefix(register), let v = hexValue(field.dropFirst(4)) else {
                throw .syntax(line: number, reason: "expected \(register)0x<hex>, got '\(field.prefix(24))'")
            }
            values.append(v)
        }
        return (TableCPUID.Key(leaf: leaf, subleaf: subleaf),
                CPUIDRegisters(eax: values[0], ebx: values[1], ecx: values[2], edx: values[3]))
    }

    private enum ASCIILine {
        case skip
        case leaf((key: TableCPUID.Key, registers: CPUIDRegisters))
        case other
    }

    /// The byte-level reading of a line that `parseLeafLine` would accept, or of a blank or
    /// comment line; `.other` for everything else. Only all-ASCII lines are read here: in ASCII a
    /// byte is a Character (CR never meets its LF inside a line), so the two readings agree.
    private static func readASCIILine(_ raw: ArraySlice<UInt8>) -> ASCIILine {
        var end = raw.endIndex
        var i = raw.startIndex
        while i < end {
            if raw[i] >= 0x80 { return .other }
            i += 1
        }
        if end > raw.startIndex && raw[end - 1] == 0x0d { end -= 1 }
        i = raw.startIndex
        func skipBlanks() { while i < end && (raw[i] == 0x20 || raw[i] == 0x09) { i += 1 } }
        skipBlanks()
        if i == end || raw[i] == UInt8(ascii: "#") { return .skip }
        // `0x` and 1-8 hex digits, ending at a blank, the line's end or `terminator`.
        func hex(terminator: UInt8? = nil) -> UInt32? {
            guard end - i >= 3, raw[i] == 0x30, raw[i + 1] | 0x20 == UInt8(ascii: "x") else { return nil }
            i += 2
            var value: UInt32 = 0
            var digits = 0
            while i < end, raw[i] != 0x20, raw[i] != 0x09, raw[i] != terminator {
                let c = raw[i]
                let d: UInt8
                switch c {
                case 0x30...0x39: d = c - 0x30
                case 0x41...0x46: d = c - 0x41 + 10
                case 0x61...0x66: d = c - 0x61 + 10
                default: return nil
                }
                digits += 1
                if digits > 8 { return nil }
                value = value << 4 | UInt32(d)
                i += 1
            }
            return digits == 0 ? nil : value
        }
        func register(_ name: String) -> UInt32? {
            skipBlanks()
            for c in name.utf8 {
                guard i < end, raw[i] == c else { return nil }
                i += 1
            }
            return hex()
        }
        guard let leaf = hex() else { return .other }
        skipBlanks()
        guard let subleaf = hex(terminator: UInt8(ascii: ":")), i < end, raw[i] == UInt8(ascii: ":") else {
            return .other
        }
        i += 1
        guard i == end || raw[i] == 0x20 || raw[i] == 0x09 else { return .other }
        guard let eax = register("eax="), let ebx = register("ebx="), let ecx = register("ecx="),
              let edx = register("edx=") else { return .other }
        skipBlanks()
        guard i == end else { return .other }
        return .leaf((TableCPUID.Key(leaf: leaf, subleaf: subleaf),
                      CPUIDRegisters(eax: eax, ebx: ebx, ecx: ecx, edx: edx)))
    }

    /// `0x` followed by 1–8 hex digits. The digit check matters: `UInt32(_:radix:)` alone
    /// would also take a sign ("0x+1f").
    private static func hexValue(_ s: Substring) -> UInt32? {
        guard s.hasPrefix("0x") || s.hasPrefix("0X") else { return nil }
        let digits = s.dropFirst(2)
        guard !digits.isEmpty, digits.count <= 8, digits.allSatisfy(\.isHexDigit) else { return nil }
        return UInt32(digits, radix: 16)
    }

    /// The leaves of the `index`th CPU that has any (the first by default) as a source named `name`;
    /// nil when there are not that many.
    public func source(name: String, cpu index: Int = 0) -> TableCPUID? {
        let nonEmpty = cpus.filter { !$0.leaves.isEmpty }
        guard nonEmpty.indices.contains(index) else { return nil }
        var table: [TableCPUID.Key: CPUIDRegisters] = [:]
        for (k, r) in nonEmpty[index].leaves { table[k] = r }
        return TableCPUID(name: name, entries: table)
    }

    /// One leaf line in `cpuid -r`'s exact format.
    public static func formatLine(leaf: UInt32, subleaf: UInt32, _ r: CPUIDRegisters) -> String {
        let sub = String(subleaf, radix: 16)
        let sub2 = sub.count < 2 ? String(repeating: "0", count: 2 - sub.count) + sub : sub
        return "   \(hex32(leaf)) 0x\(sub2): eax=\(hex32(r.eax)) ebx=\(hex32(r.ebx)) ecx=\(hex32(r.ecx)) edx=\(hex32(r.edx))"
    }
}
