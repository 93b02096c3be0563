import ABITestSupport
import Foundation
import Testing
import XenInterface
@testable import XenCompat

/// `NarrowingPolicy`: this project's strict narrowing against Xen's own. What Xen's `XLAT_`
/// assignment does is proven against gcc: a C program compiled with gcc -m32 against Debian's
/// libxen-dev headers assigns each too-wide 64-bit value to the 32-bit guest's member, and the
/// xen mode's bytes must be the bytes gcc stored.
@Suite struct NarrowingPolicyTests {
    /// One too-wide value for one element of one narrowing member.
    struct Case {
        let structure: StructDescription
        let move: CompatTranslator.Move
        let element: Int
        let value: UInt64
        let isHandle: Bool

        /// The member as a C lvalue of `c` (`c.arg1.mfn`, `c.args[2]`, `c.extent_start.p`).
        var lvalue: String {
            var path = "c." + move.path
            if move.count > 1 { path += "[\(element)]" }
            return isHandle ? path + ".p" : path
        }

        var key: String { "\(structure.name) \(move.path) \(element)" }
    }

    /// Every element of every narrowing member of every structure that has a translation, each
    /// with a value whose upper half is neither all zeros nor all ones (too wide signed or not).
    static let cases: [Case] = {
        var random = SplitMix64(state: 0x5eed_0f_a55)
        var cases: [Case] = []
        for description in Catalog.structures {
            guard let translator = try? CompatTranslator(description) else { continue }
            for move in translator.moves where move.nativeWidth > move.compatWidth {
                let isHandle = translator.native.field(move.path)?.scalar == .guestHandle
                for element in 0..<move.count {
                    // A bit set just above the compat width, and the native sign bit clear.
                    let bits = UInt64(move.nativeWidth * 8)
                    let mask = bits == 64 ? UInt64.max : (1 << bits) - 1
                    let value = (random.next() & mask | 1 << UInt64(move.compatWidth * 8 + 4)) & ~(1 << (bits - 1))
                    cases.append(Case(structure: description, move: move, element: element, value: value,
                                      isHandle: isHandle))
                }
            }
        }
        return cases
    }()

    /// The 32-bit guest's bytes after gcc -m32 assigns each case's value to its member of a zeroed
    /// structure: case key → hex of the whole structure. And the same for one scalar of each
    /// array element type (key: the type's name).
    static func gccAssignments() throws -> [String: String] {
        var lines = ["#define __XEN_INTERFACE_VERSION__ \(CProbe.interfaceVersion)", "#include <stdio.h>",
                     "#include <stdint.h>", "#include <string.h>"]
        lines += CProbe.headers.map { "#include <xen/\($0)>" }
        lines += [
            "static void dump(const char *key, const void *p, size_t n) {",
            "    printf(\"%s=\", key);",
            "    for (size_t i = 0; i < n; i++) printf(\"%02x\", ((const unsigned char *)p)[i]);",
            "    printf(\"\\n\");",
            "}",
            "int main(void) {",
        ]
        for test in cases {
            let keyword = test.structure.isUnion ? "union" : "struct"
            let right = test.isHandle ? "(void *)(uintptr_t)UINT64_C(\(test.value))" : "UINT64_C(\(test.value))"
            lines.append("    { \(keyword) \(test.structure.name) c; memset(&c, 0, sizeof c); "
                         + "\(test.lvalue) = \(right); dump(\"\(test.key)\", &c, sizeof c); }")
        }
        for element in Set(CompatHandleArrays.all.map(\.element)) {
            lines.append("    { \(element.rawValue) c = UINT64_C(\(Self.elementValue)); dump(\"\(element.rawValue)\", &c, sizeof c); }")
        }
        lines += ["    return 0;", "}", ""]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xen-narrowing-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("assign.c").path
        let binary = directory.appendingPathComponent("assign").path
        try lines.joined(separator: "\n").write(toFile: source, atomically: true, encoding: .utf8)
        // -Werror=overflow would reject nothing here: conversions of a constant to a narrower
        // unsigned type are defined; -w silences gcc's notes about the signed ones.
        let compile = try HeaderProbe.execute("/usr/bin/gcc", ["-m32", "-std=gnu11", "-w", "-o", binary, source])
        try #require(compile.status == 0, "gcc -m32: \(compile.output)")
        let run = try HeaderProbe.execute(binary, [])
        try #require(run.status == 0)
        var result: [String: String] = [:]
        for line in run.output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            try #require(parts.count == 2, "line \(line)")
            result[String(parts[0])] = String(parts[1])
        }
        return result
    }

    static let elementValue: UInt64 = 0x0000_0123_89ab_cdef

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func little(_ value: UInt64, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// Xen mode keeps exactly the bytes a C assignment to the compat member keeps, for every
    /// narrowing member Xen does not check; strict mode refuses the same value, naming the member.
    @Test func xenModeStoresWhatGccStoresAndStrictModeRefuses() throws {
        let gcc = try Self.gccAssignments()
        #expect(Self.cases.count > 40, "narrowing elements: \(Self.cases.count)")
        var truncated = 0, refusedByXen = 0
        for test in Self.cases {
            let translator = try CompatTranslator(test.structure)
            var native = [UInt8](repeating: 0, count: translator.native.size)
            let at = test.move.nativeOffset + test.element * test.move.nativeWidth
            let width = test.move.nativeWidth
            native.replaceSubrange(at..<(at + width), with: Self.little(test.value, width))
            let xen = translator.xenNarrowing(of: test.move.path)
            #expect(throws: ABIError.unrepresentable(structure: test.structure.name, field: test.move.path,
                                                     value: test.value, errno: .ERANGE, xen: xen), "\(test.key)") {
                try translator.toCompat(native)
            }
            if xen.refuses {
                // Xen checks this member: xen mode refuses as strict mode does.
                #expect(throws: ABIError.self, "\(test.key)") { try translator.toCompat(native, narrowing: .xen) }
                refusedByXen += 1
                continue
            }
            let compat = try translator.toCompat(native, narrowing: .xen)
            #expect(Self.hex(compat) == gcc[test.key], "\(test.key): xen mode is not gcc's assignment")
            truncated += 1
        }
        #expect(truncated > 0 && refusedByXen > 0)
    }

    /// Array elements: where a Xen release assigns without a check, xen mode stores what gcc
    /// stores in the element type; where it checks, both modes refuse naming the element.
    @Test(arguments: CompatHandleArrays.all.map(\.name))
    func arrayElementsNarrowAsTheReleaseDoes(_ name: String) throws {
        let gcc = try Self.gccAssignments()
        let array = try CompatHandleArrays.named(name)
        let native = Self.little(1, 8) + Self.little(Self.elementValue, 8)
        let fitting = Self.little(1, 8) + Self.little(Self.elementValue & 0xffff_ffff, 8)
        #expect(throws: ABIError.unrepresentableElement(array: name, index: 1, value: Self.elementValue, xen: array.xen)) {
            try array.toCompat(native)
        }
        for release in XenRelease.allCases {
            let xen = array.xenNarrowing(release)
            if xen.refuses {
                #expect(throws: ABIError.unrepresentableElement(array: name, index: 1, value: Self.elementValue, xen: xen)) {
                    try array.toCompat(native, narrowing: .xen(release))
                }
            } else {
                let compat = try array.toCompat(native, narrowing: .xen(release))
                #expect(Self.hex(Array(compat[4..<8])) == gcc[array.element.rawValue], "\(name), Xen \(release.rawValue)")
            }
            // A value that fits is the same in every mode.
            #expect(try array.toCompat(fitting, narrowing: .xen(release)) == (try array.toCompat(fitting)))
        }
    }

    /// The call sites read in Xen's source: these refuse in both modes, for Xen's reason.
    @Test func whereXenChecksBothModesRefuseWithXensReason() throws {
        let exchange = try CompatCatalog.translator("xen_memory_exchange")
        var value = StructValue()
        value["nr_exchanged"] = 0x1_0000_0000
        let native = try exchange.native.encode(value)
        let asserts = exchange.xenNarrowing(of: "nr_exchanged")
        #expect(asserts.behaviour == .asserts && asserts.file == "common/compat/memory.c")
        for policy in [NarrowingPolicy.strict, .xen(.v4_17), .xen(.v4_18)] {
            #expect(throws: ABIError.unrepresentable(structure: "xen_memory_exchange", field: "nr_exchanged",
                                                     value: 0x1_0000_0000, errno: .ERANGE, xen: asserts)) {
                try exchange.toCompat(native, narrowing: policy)
            }
        }
        #expect(try CompatHandleArrays.named("xen_mem_acquire_resource.frame_list").xen.behaviour == .fails(.ERANGE))
        #expect(try CompatHandleArrays.named("xen_memory_reservation.extent_start").xen.behaviour == .asserts)
        // gnttab_setup_table's frame list: checked since 4.18, assigned unchecked in 4.17.
        let frames = try CompatHandleArrays.named("gnttab_setup_table.frame_list")
        #expect(frames.xenNarrowing(.v4_18).behaviour == .grantStatusAddressTooBig)
        #expect(frames.xenNarrowing(.v4_17).behaviour == .truncates)
        #expect(NarrowingPolicy.xen == .xen(.latest))
    }

    /// Xen's XLAT_cpu_user_regs has no line for r8...r15: xen mode drops them, strict refuses.
    @Test func nativeOnlyMembersAreDroppedInXenMode() throws {
        let translator = try CompatCatalog.translator("cpu_user_regs")
        var value = StructValue()
        value["rax"] = 0x1234
        let plain = try translator.toCompat(try translator.native.encode(value))
        value["r8"] = 1
        value["r15"] = 0xffff_ffff_ffff_ffff
        let high = try translator.native.encode(value)
        #expect(try translator.toCompat(high, narrowing: .xen) == plain)
        #expect(translator.xenNarrowing(of: "r8").behaviour == .dropped)
        #expect(throws: ABIError.self) { try translator.toCompat(high) }
    }

    /// The narrowing loops' batch paths agree with one entry at a time in xen mode too (blocks of
    /// entries, and a value Xen checks in a later block still fails the batch).
    @Test func xenModeBatchesAgreeWithSingleEntries() throws {
        let translator = try CompatCatalog.translator("multicall_entry")
        var random = SplitMix64(state: 77)
        let count = CompatTranslator.blockEntries * 2 + 3
        let native = (0..<(count * translator.native.size)).map { _ in UInt8.random(in: 0...255, using: &random) }
        let batch = try translator.toCompat(batch: native, count: count, narrowing: .xen)
        let singles = try (0..<count).flatMap { entry in
            try translator.toCompat(Array(native[(entry * 64)..<((entry + 1) * 64)]), narrowing: .xen)
        }
        #expect(batch == singles)
        #expect(throws: ABIError.self) { try translator.toCompat(batch: native, count: count) }

        let exchange = try CompatCatalog.translator("xen_memory_exchange")
        var entries = [UInt8](repeating: 0, count: exchange.native.size * count)
        let nrExchanged = try #require(exchange.native.field("nr_exchanged"))
        entries[(CompatTranslator.blockEntries + 1) * exchange.native.size + nrExchanged.offset + 4] = 1
        #expect(throws: ABIError.self) { try exchange.toCompat(batch: entries, count: count, narrowing: .xen) }
    }

    /// Random native bytes, half with every carried value made to fit: where strict accepts,
    /// xen mode gives the same bytes; xen mode refuses only what a member Xen checks holds.
    @Test(arguments: CompatCatalog.translated.map(\.structure) + [CompatCatalog.multicall])
    func xenModeEqualsStrictWhereStrictAccepts(_ description: StructDescription) throws {
        let translator = try CompatTranslator(description)
        var random = SplitMix64(state: UInt64(description.name.utf8.count) &* 1_000_003)
        var agreed = 0
        for round in 0..<200 {
            var input = (0..<translator.native.size).map { _ in UInt8.random(in: 0...255, using: &random) }
            if round % 2 == 0 {
                for move in translator.moves where move.nativeWidth > move.compatWidth {
                    for element in 0..<move.count {
                        let start = move.nativeOffset + element * move.nativeWidth
                        for index in (start + move.compatWidth)..<(start + move.nativeWidth) { input[index] = 0 }
                        input[start + move.compatWidth - 1] &= 0x7f
                    }
                }
                for field in translator.nativeOnly {
                    for index in field.offset..<(field.offset + field.size) { input[index] = 0 }
                }
            }
            let xen = Result { () throws(ABIError) in try translator.toCompat(input, narrowing: .xen) }
            if let strict = try? translator.toCompat(input) {
                #expect(try xen.get() == strict, "\(description.name): xen mode differs where strict accepts")
                agreed += 1
            } else if case let .failure(error) = xen {
                guard case let .unrepresentable(_, field, _, _, fact) = error else {
                    Issue.record("\(description.name): \(error)"); continue
                }
                #expect(fact.refuses && translator.xenNarrowing(of: field).refuses, "\(description.name): \(error)")
            }
        }
        #expect(agreed > 0)
    }

    /// Every fact names a structure and member that exist, and every translated structure with a
    /// narrowing scalar member (not a handle) says where Xen writes it back, so none is left to
    /// the default unread.
    @Test func everyWriteBackFactNamesRealMembers() throws {
        for (name, members) in XenWriteBack.members {
            let layout = try #require(Catalog.structure(name)).layout64
            for path in members.keys { #expect(layout.field(path) != nil, "\(name) has no member \(path)") }
        }
        for name in XenWriteBack.structures.keys { #expect(Catalog.structure(name) != nil, "unknown \(name)") }
        for description in CompatCatalog.translated.map(\.structure) + [CompatCatalog.multicall] {
            let translator = try CompatTranslator(description)
            let narrowsScalars = translator.moves.contains { move in
                move.nativeWidth > move.compatWidth && translator.native.field(move.path)?.scalar != .guestHandle
            }
            if narrowsScalars {
                #expect(XenWriteBack.structures[description.name] != nil, "\(description.name): no write-back fact")
            }
        }
    }
}
