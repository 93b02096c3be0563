import XenInterface

/// Writes a C program that prints, from Xen's real public headers, what the catalog claims:
/// each structure's size and alignment, each leaf member's offset and size, and every named
/// number. Compiled with gcc -m32 or -m64 against /usr/include/xen (Debian libxen-dev), its
/// output is the ground truth the layout tests compare with.
///
/// Output lines: `S <struct> <size> <align>`, `F <struct> <path> <offset> <size>`,
/// `C <name> <value>`.
package enum CProbe {
    /// The headers a guest includes for the covered structures, then every constant group's
    /// header not among them (io/xenbus.h's enum), each once.
    package static let headers = [
        "xen.h", "memory.h", "grant_table.h", "event_channel.h", "vcpu.h", "sched.h", "physdev.h",
        "version.h", "callback.h", "nmi.h", "features.h", "hvm/hvm_op.h", "hvm/hvm_vcpu.h", "hvm/params.h", "errno.h",
        "arch-x86/hvm/start_info.h", "io/xs_wire.h",
    ].appendingMissing(XenConstantGroup.all.map(\.header))

    /// `__XEN_INTERFACE_VERSION__` = `__XEN_LATEST_INTERFACE_VERSION__` of Xen 4.17 (public/xen-compat.h).
    package static let interfaceVersion = "0x00040e00"

    package static func source(_ layouts: [(description: StructDescription, layout: StructLayout)],
                              constants: [XenConstantGroup] = XenConstantGroup.all,
                              release: XenRelease = .baseline) -> String {
        var lines = [
            "#define __XEN_INTERFACE_VERSION__ \(interfaceVersion)",
            "#include <stdio.h>",
            "#include <stddef.h>",
            "#include <stdint.h>",
        ]
        lines += headers.map { "#include <xen/\($0)>" }
        lines += [
            "#define S(K, T) printf(\"S %s %zu %zu\\n\", #T, sizeof(K T), _Alignof(K T))",
            "#define F(K, T, P) printf(\"F %s %s %zu %zu\\n\", #T, #P, offsetof(K T, P), sizeof(((K T *)0)->P))",
            "#define C(N) printf(\"C %s %llu\\n\", #N, (unsigned long long)(N))",
            "int main(void) {",
        ]
        for (description, layout) in layouts {
            let keyword = description.isUnion ? "union" : "struct"
            lines.append("    S(\(keyword), \(description.name));")
            for field in layout.fields {
                lines.append("    F(\(keyword), \(description.name), \(field.path));")
            }
        }
        for group in constants {
            for constant in group.constants where constant.isDefined(in: release) {
                lines.append("    C(\(group.prefix)\(constant.name));")
            }
        }
        for (name, _) in XenErrno.all {
            lines.append("    C(XEN_\(name));")
        }
        lines += ["    return 0;", "}", ""]
        return lines.joined(separator: "\n")
    }
}

extension Array where Element == String {
    /// This list, then each of `more` not yet in it, in order.
    fileprivate func appendingMissing(_ more: [String]) -> [String] {
        more.reduce(into: self) { list, h in if !list.contains(h) { list.append(h) } }
    }
}
