import ABITestSupport
import Foundation
import Testing
import XenInterface
@testable import XenCompat

/// The arrays behind guest handles: which ones need translation is read from Xen's real headers
/// (gcc -m32 and -m64 against libxen-dev), not from the catalog's own list.
@Suite struct CompatHandleArraysTests {
    /// Every guest-handle member of every structure both ABIs have, with `sizeof(*handle.p)` and
    /// whether the element is xen_pfn_t / xen_ulong_t, as each ABI's compiler sees them.
    struct HandleFacts: Equatable {
        var size: Int
        var isPfn: Bool
        var isUlong: Bool
    }

    static func probe(bits: Int) throws -> [String: HandleFacts] {
        var lines = ["#define __XEN_INTERFACE_VERSION__ \(CProbe.interfaceVersion)", "#include <stdio.h>",
                     "#include <stddef.h>", "#include <stdint.h>"]
        lines += CProbe.headers.map { "#include <xen/\($0)>" }
        lines += [
            "#define H(K, T, P) printf(\"%s.%s %zu %d %d\\n\", #T, #P, sizeof(*((K T *)0)->P.p), "
                + "__builtin_types_compatible_p(__typeof__(*((K T *)0)->P.p), xen_pfn_t), "
                + "__builtin_types_compatible_p(__typeof__(*((K T *)0)->P.p), xen_ulong_t))",
            "#define P(K, T, P, S) printf(\"%s.%s=%s %d\\n\", #T, #P, #S, "
                + "__builtin_types_compatible_p(__typeof__(*((K T *)0)->P.p), struct S))",
            "int main(void) {",
        ]
        for (handle, structure) in CompatHandleArrays.structurePointers {
            let dot = try #require(handle.firstIndex(of: "."))
            lines.append("    P(struct, \(handle[..<dot]), \(handle[handle.index(after: dot)...]), \(structure));")
        }
        for description in Catalog.structures where description.architectures.count == 2 {
            let keyword = description.isUnion ? "union" : "struct"
            for field in description.layout64.fields where field.scalar == .guestHandle && field.count == nil {
                lines.append("    H(\(keyword), \(description.name), \(field.path));")
            }
        }
        lines += ["    return 0;", "}", ""]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xen-handle-probe-\(bits)-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("probe.c").path
        let binary = directory.appendingPathComponent("probe").path
        try lines.joined(separator: "\n").write(toFile: source, atomically: true, encoding: .utf8)
        let compile = try HeaderProbe.execute("/usr/bin/gcc", ["-m\(bits)", "-std=gnu11", "-w", "-o", binary, source])
        try #require(compile.status == 0, "gcc -m\(bits): \(compile.output)")
        let run = try HeaderProbe.execute(binary, [])
        try #require(run.status == 0)
        var facts: [String: HandleFacts] = [:]
        for line in run.output.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0].contains("=") {
                // A structure pointer: its pointee must be that structure.
                try #require(parts[1] == "1", "\(parts[0]): the handle does not point at that structure")
                continue
            }
            try #require(parts.count == 4, "probe line \(line)")
            facts[String(parts[0])] = HandleFacts(size: Int(parts[1])!, isPfn: parts[2] == "1", isUlong: parts[3] == "1")
        }
        return facts
    }

    @Test func theListIsExactlyTheHandlesWhoseElementsDifferBetweenTheABIs() throws {
        let facts32 = try Self.probe(bits: 32)
        let facts64 = try Self.probe(bits: 64)
        #expect(facts32.count == facts64.count && facts64.count >= 20, "handles probed: \(facts64.count)")
        let differing = Set(facts64.keys.filter { facts32[$0]?.size != facts64[$0]?.size })
        let pointers = Set(CompatHandleArrays.structurePointers.map(\.handle))
        #expect(differing == Set(CompatHandleArrays.all.map(\.name)).union(pointers))
        for (handle, structure) in CompatHandleArrays.structurePointers {
            let translator = try CompatCatalog.translator(structure)
            #expect(facts32[handle]?.size == translator.compat.size && facts64[handle]?.size == translator.native.size,
                    "\(handle) points at \(structure)")
            #expect(CompatCatalog.translated.contains { $0.structure.name == structure })
        }
        for array in CompatHandleArrays.all {
            let f32 = try #require(facts32[array.name]), f64 = try #require(facts64[array.name])
            #expect(f32.size == array.compatElementSize && f64.size == array.nativeElementSize, "\(array.name)")
            switch array.element {
            case .xenPfn: #expect(f32.isPfn && f64.isPfn, "\(array.name) is not xen_pfn_t")
            case .xenUlong: #expect(f32.isUlong && f64.isUlong, "\(array.name) is not xen_ulong_t")
            default: Issue.record("\(array.name): unexpected element \(array.element)")
            }
            let layout = try #require(Catalog.structure(array.structure)).layout64
            #expect(layout.field(array.count) != nil, "\(array.name): no count member \(array.count)")
        }
    }

    @Test(arguments: CompatHandleArrays.all.map(\.name))
    func elementsWidenAndNarrowBackOrFailNamingTheIndex(_ name: String) throws {
        let array = try CompatHandleArrays.named(name)
        var random = SplitMix64(state: UInt64(name.utf8.count) &* 7_368_787)
        let count = CompatTranslator.blockEntries * 3 + 1
        let compat = (0..<(count * 4)).map { _ in UInt8.random(in: 0...255, using: &random) }
        let native = try array.toNative(compat)
        #expect(native.count == count * 8)
        for index in 0..<count {
            #expect(Array(native[(index * 8)..<(index * 8 + 4)]) == Array(compat[(index * 4)..<(index * 4 + 4)]))
            #expect(native[(index * 8 + 4)..<(index * 8 + 8)].allSatisfy { $0 == 0 })
        }
        #expect(try array.toCompat(native) == compat)

        var wide = native
        wide[40 * 8 + 4] = 1
        #expect(throws: ABIError.unrepresentableElement(
            array: name, index: 40, value: 1 << 32 | UInt64(compat[160]) | UInt64(compat[161]) << 8
                | UInt64(compat[162]) << 16 | UInt64(compat[163]) << 24, xen: array.xen)) {
            try array.toCompat(wide)
        }
        #expect(throws: ABIError.self) { try array.toNative(Array(compat.dropLast())) }
        #expect(throws: ABIError.self) { try array.toCompat(Array(native.dropLast())) }
    }

    @Test func unknownArraysAreUsageErrors() {
        #expect(throws: ABIError.unknownName("xen_memory_reservation.domid")) {
            try CompatHandleArrays.named("xen_memory_reservation.domid")
        }
    }
}
