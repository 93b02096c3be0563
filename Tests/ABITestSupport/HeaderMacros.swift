import Foundation

/// The integer macros of Xen's public headers as gcc's preprocessor defines them (`gcc -E -dM` on
/// Debian's libxen-dev), at the headers' own latest interface version, as Xen's tools build: an
/// oracle that shares nothing with the package's tables or its generator.
public enum HeaderMacros {
    /// Every macro named `prefix…` that `#include <header>` defines to an integer literal (decimal
    /// or hex, C suffixes allowed) or to another such macro.
    public static func integers(including header: String, prefix: String) throws -> [String: UInt64] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xen-macros-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("macros.c")
        try "#include <\(header)>\n".write(to: source, atomically: true, encoding: .utf8)
        let result = try HeaderProbe.execute("/usr/bin/gcc", [
            "-E", "-dM", "-D__XEN_INTERFACE_VERSION__=__XEN_LATEST_INTERFACE_VERSION__", source.path,
        ])
        guard result.status == 0 else { throw HeaderProbe.Failure(description: "gcc -E -dM <\(header)> failed:\n\(result.output)") }
        var raw: [String: String] = [:]
        for line in result.output.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3, parts[0] == "#define", parts[1].hasPrefix(prefix) else { continue }
            raw[parts[1]] = parts[2].trimmingCharacters(in: .whitespaces)
        }
        func value(_ text: String, depth: Int = 0) -> UInt64? {
            let literal = text.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "ul"))
            if literal.hasPrefix("0x") { return UInt64(literal.dropFirst(2), radix: 16) }
            if let decimal = UInt64(literal) { return decimal }
            guard depth < 8, let alias = raw[text] else { return nil }
            return value(alias, depth: depth + 1)
        }
        return raw.compactMapValues { value($0) }
    }
}
