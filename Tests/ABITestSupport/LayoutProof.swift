import Foundation
import XenInterface

/// The layout proof against Xen's real headers, written once for both ABIs: each check returns
/// the mismatches it found (empty when the ABI's layouts are the headers' own), so ABI32Tests
/// and ABI64Tests only say which ABI and assert the list is empty.
public struct LayoutProof {
    public let bits: Int
    public let architecture: Architecture
    public let covered: [(description: StructDescription, layout: StructLayout)]
    /// The release whose headers are the truth (`XenHeaderTree`): its structures and constants are proven.
    public let release: XenRelease

    public init(bits: Int, architecture: Architecture, release: XenRelease = .baseline,
                layout: (StructDescription) -> StructLayout) {
        self.bits = bits
        self.architecture = architecture
        self.release = release
        covered = Catalog.structures(in: release).filter { $0.architectures.contains(architecture) }
            .map { (description: $0, layout: layout($0)) }
    }

    /// Size, alignment, and every member's offset and size, against gcc on the headers.
    public func layoutMismatches() throws -> [String] {
        let probe = try HeaderProbe.run(bits: bits, release: release, covered)
        var problems: [String] = []
        for (description, layout) in covered {
            guard let real = probe.structs[description.name] else { problems.append("\(description.name) not probed"); continue }
            if layout.size != real.size { problems.append("\(description.name): size \(layout.size), gcc says \(real.size)") }
            if layout.alignment != real.align { problems.append("\(description.name): align \(layout.alignment), gcc says \(real.align)") }
            for field in layout.fields {
                let member = probe.members[description.name]?[field.path]
                if member != HeaderProbe.Member(offset: field.offset, size: field.size) {
                    problems.append("\(description.name).\(field.path): offset \(field.offset) size \(field.size), gcc says \(String(describing: member))")
                }
            }
        }
        return problems
    }

    /// Every hypercall/sub-op number and Xen errno value against the headers' macros.
    public func constantMismatches() throws -> [String] {
        let probe = try HeaderProbe.run(bits: bits, release: release, [])
        var problems: [String] = []
        for group in XenConstantGroup.all {
            for constant in group.constants where constant.isDefined(in: release)
                && probe.constants[group.prefix + constant.name] != UInt64(constant.value) {
                problems.append("\(group.prefix)\(constant.name)")
            }
        }
        for (name, errno) in XenErrno.all where probe.constants["XEN_" + name] != UInt64(errno.rawValue) {
            problems.append("XEN_\(name)")
        }
        return problems
    }

    /// Struct and union tags the guest-facing headers define for this ABI but the catalog lacks
    /// (first) and the catalog has but the headers lack (second); trace.h's are excluded
    /// (pulled in by hvm_op.h; t_rec has bit-fields), and so is xs_wire.h's xsd_errors (a table
    /// of errno names for the C library, not on the wire). Also returns how many tags gcc saw.
    public func coverageGaps() throws -> (missing: [String], extra: [String], tags: Int) {
        let source = CProbe.headers.map { "#include <xen/\($0)>" }.joined(separator: "\n") + "\n"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("xen-abi-tags-\(UUID().uuidString).c")
        try ("#define __XEN_INTERFACE_VERSION__ \(CProbe.interfaceVersion)\n#include <stdint.h>\n" + source)
            .write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        let result = try HeaderProbe.execute("/usr/bin/gcc", ["-m\(bits)", "-E", "-P"] + XenHeaderTree.includeArguments(release) + [path.path])
        guard result.status == 0 else { throw HeaderProbe.Failure(description: "gcc -E failed: \(result.output)") }
        let regex = /(?:struct|union)\s+([A-Za-z_][A-Za-z_0-9]*)\s*\{/
        let tags = Set(result.output.matches(of: regex).map { String($0.output.1) })
        let names = Set(covered.map(\.description.name))
        let excluded: Set<String> = ["t_rec", "t_buf", "t_info", "xsd_errors"]
        return (tags.subtracting(names).subtracting(excluded).sorted(), names.subtracting(tags).sorted(), tags.count)
    }

    /// Every structure's leaf members, in order and with their signedness, against gcc's DWARF
    /// for the real header: nothing missing, nothing extra, nothing out of order.
    public func memberOrderMismatches() throws -> [String] {
        let real = try DWARFMembers.leaves(bits: bits, release: release)
        var problems: [String] = []
        for (description, layout) in covered {
            guard let leaves = real[description.name] else { problems.append("\(description.name) has no DWARF entry"); continue }
            if layout.fields.map(\.path) != leaves.map(\.path) { problems.append("\(description.name): member list differs") }
            // Signedness decides sign extension and how values print: it must be the header's.
            for (field, leaf) in zip(layout.fields, leaves) {
                guard let isSigned = leaf.isSigned, field.scalar != .char else { continue }
                if field.scalar.isSigned != isSigned { problems.append("\(description.name).\(field.path): signedness") }
            }
        }
        return problems
    }
}
