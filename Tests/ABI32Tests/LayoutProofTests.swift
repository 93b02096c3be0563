import Foundation
import Testing
import ABITestSupport
import XenInterface
@testable import ABI32

/// Every covered structure's x86_32 layout against gcc -m32 on Xen's real headers.
@Suite struct LayoutProofTests32 {
    static let covered = Catalog.structures.filter { $0.architectures.contains(.x86_32) }
        .map { (description: $0, layout: $0.layout32) }

    @Test func everyStructureMatchesGcc() throws {
        let probe = try HeaderProbe.run(bits: 32, Self.covered)
        for (description, layout) in Self.covered {
            let real = try #require(probe.structs[description.name], "\(description.name) not probed")
            #expect(layout.size == real.size, "\(description.name): size \(layout.size), gcc says \(real.size)")
            #expect(layout.alignment == real.align,
                    "\(description.name): align \(layout.alignment), gcc says \(real.align)")
            for field in layout.fields {
                let member = probe.members[description.name]?[field.path]
                #expect(member == HeaderProbe.Member(offset: field.offset, size: field.size),
                        "\(description.name).\(field.path): offset \(field.offset) size \(field.size), gcc says \(String(describing: member))")
            }
        }
    }

    @Test func constantsMatchHeaders() throws {
        let probe = try HeaderProbe.run(bits: 32, [])
        for group in XenConstantGroup.all {
            for constant in group.constants {
                #expect(probe.constants[group.prefix + constant.name] == UInt64(constant.value),
                        "\(group.prefix)\(constant.name)")
            }
        }
        for (name, errno) in XenErrno.all {
            #expect(probe.constants["XEN_" + name] == UInt64(errno.rawValue), "XEN_\(name)")
        }
    }

    /// Every struct or union the guest-facing headers define (for this ABI) is in the catalog,
    /// except trace.h's (pulled in by hvm_op.h; t_rec has bit-fields).
    @Test func everyGuestStructureIsCovered() throws {
        let source = CProbe.headers.map { "#include <xen/\($0)>" }.joined(separator: "\n") + "\n"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("xen-abi-tags-\(UUID().uuidString).c")
        try ("#define __XEN_INTERFACE_VERSION__ \(CProbe.interfaceVersion)\n#include <stdint.h>\n" + source)
            .write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        let result = try HeaderProbe.execute("/usr/bin/gcc", ["-m32", "-E", "-P", path.path])
        #expect(result.status == 0)
        let regex = /(?:struct|union)\s+([A-Za-z_][A-Za-z_0-9]*)\s*\{/
        let tags = Set(result.output.matches(of: regex).map { String($0.output.1) })
        let covered = Set(Catalog.structures.filter { $0.architectures.contains(.x86_32) }.map(\.name))
        let excluded: Set<String> = ["t_rec", "t_buf", "t_info"]
        #expect(tags.subtracting(covered).subtracting(excluded).sorted() == [])
        #expect(covered.subtracting(tags).sorted() == [])
        #expect(tags.count > 100)
    }

    /// Every structure's leaf members, in order, are exactly the ones gcc's DWARF lists for the
    /// real header: nothing missing, nothing extra, nothing out of order.
    @Test func everyMemberIsDescribedInHeaderOrder() throws {
        let real = try DWARFMembers.leaves(bits: 32)
        for (description, layout) in Self.covered {
            let leaves = try #require(real[description.name], "\(description.name) has no DWARF entry")
            #expect(layout.fields.map(\.path) == leaves.map(\.path), "\(description.name)")
            // Signedness decides sign extension and how values print: it must be the header's.
            for (field, leaf) in zip(layout.fields, leaves) {
                guard let isSigned = leaf.isSigned, field.scalar != .char else { continue }
                #expect(field.scalar.isSigned == isSigned, "\(description.name).\(field.path)")
            }
        }
    }
}
