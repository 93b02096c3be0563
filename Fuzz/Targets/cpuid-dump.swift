// fuzz-options: -max_len=4096
// Fuzz target: the `cpuid -r` dump parser, CPUIDDump(parsing:).
// Properties, for any bytes:
// - parsing either returns a dump or throws; a thrown error is one line and names a line that exists;
// - an accepted dump has at least one leaf, no (leaf, subleaf) twice for one CPU, and every line of
//   it matches the documented grammar (a hand-written reference recogniser here, independent of the
//   parser): blank, '#' comment, 'CPU:' / 'CPU N:' with ASCII decimal N, or
//   'LEAF SUBLEAF: eax=V ebx=V ecx=V edx=V' with 0x and 1-8 ASCII hex digits for each number;
// - format -> parse is the identity on an accepted dump, and formatting is a fixed point;
// - the table source answers every recorded leaf with the recorded registers.
import CPUIDProbe
import XenSystem

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCPUIDDump(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = FuzzBytes(data, size).all
    let text = String(decoding: bytes, as: UTF8.self)
    let lineCount = Array(text.utf8).split(separator: 0x0a, omittingEmptySubsequences: false).count
    let dump: CPUIDDump
    do {
        dump = try CPUIDDump(parsing: text)
    } catch {
        let message = error.description
        require(!message.contains("\n"), "error spans lines: \(message)")
        switch error {
        case .syntax(let line, _), .duplicate(let line, _, _):
            require(line >= 1 && line <= lineCount, "error names line \(line) of \(lineCount)")
        case .empty, .tooLarge: break
        }
        if case .duplicate = error {} else if case .syntax = error {} else {
            require(referenceAccepts(text) == false || error == .empty, "reference accepts what the parser rejects: \(error)")
        }
        return 0
    }
    require(dump.cpus.contains { !$0.leaves.isEmpty }, "accepted a dump without leaves")
    require(referenceAccepts(text), "parser accepted text outside the grammar: \(String(reflecting: text.prefix(200)))")
    for cpu in dump.cpus {
        var seen: Set<TableCPUID.Key> = []
        for (key, _) in cpu.leaves { require(seen.insert(key).inserted, "duplicate leaf accepted") }
    }

    let formatted = format(dump)
    let again: CPUIDDump
    do {
        again = try CPUIDDump(parsing: formatted)
    } catch {
        require(false, "formatted dump does not parse: \(error)\n\(formatted)")
        return 0
    }
    require(again == dump, "parse(format(d)) != d")
    require(format(again) == formatted, "formatting is not a fixed point")

    guard let source = dump.source(name: "fuzz") else {
        require(false, "a dump with leaves gave no source")
        return 0
    }
    let first = dump.cpus.first { !$0.leaves.isEmpty }!
    for (key, registers) in first.leaves {
        let r = try? source.cpuid(leaf: key.leaf, subleaf: key.subleaf)
        require(r == registers, "table source answers \(key) with \(String(describing: r)), recorded \(registers)")
    }
    return 0
}

/// The dump as `cpuid -r` prints it: each CPU's header, then its leaf lines.
func format(_ dump: CPUIDDump) -> String {
    var lines: [String] = []
    for cpu in dump.cpus {
        lines.append(cpu.label + ":")
        for (key, r) in cpu.leaves { lines.append(CPUIDDump.formatLine(leaf: key.leaf, subleaf: key.subleaf, r)) }
    }
    return lines.joined(separator: "\n") + "\n"
}

/// The documented grammar, recognised byte by byte (ASCII only), without the parser's code.
func referenceAccepts(_ text: String) -> Bool {
    let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
    func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
    }
    func number(_ t: ArraySlice<UInt8>) -> Bool {
        guard t.count >= 3, t.count <= 10, t.first == 0x30,
              t[t.startIndex + 1] == 0x78 || t[t.startIndex + 1] == 0x58 else { return false }
        return t.dropFirst(2).allSatisfy(isHex)
    }
    var leaves = 0
    for var line in Array(text.utf8).split(separator: 0x0a, omittingEmptySubsequences: false) {
        if line.last == 0x0d { line = line.dropLast() }
        while let f = line.first, isBlank(f) { line = line.dropFirst() }
        if line.isEmpty || line.first == 0x23 { continue }
        if line.starts(with: Array("CPU".utf8)) {
            guard line.last == 0x3a else { return false }
            let rest = line.dropFirst(3).dropLast()
            if rest.isEmpty { continue }
            guard rest.first == 0x20, rest.count > 1, rest.dropFirst().allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
            continue
        }
        let fields = line.split(whereSeparator: isBlank)
        guard fields.count == 6, fields[1].last == 0x3a else { return false }
        guard number(fields[0]), number(fields[1].dropLast()) else { return false }
        for (field, name) in zip(fields[2...], ["eax=", "ebx=", "ecx=", "edx="]) {
            guard field.starts(with: Array(name.utf8)), number(field.dropFirst(4)) else { return false }
        }
        leaves += 1
    }
    return leaves > 0
}
