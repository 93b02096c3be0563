import Testing
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
}
