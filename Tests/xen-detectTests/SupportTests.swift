import Foundation
import Testing

/// No unit or CLI test may let the binary write the hypercall MSR of the machine it runs on:
/// `Binary.run` refuses the enabling flag, and the scan below fails the run when any test source
/// could pass it to a process some other way (a new helper, a shell command line).
@Suite struct SupportTests {
    static let flag = Binary.msrWriteFlag

    @Test func theRefusalCoversTheFlagItsValueFormAndItsAbbreviations() {
        // The flag the CLI declares (HypercallPageInstall's @Flag) and the refusal messages name.
        #expect(Self.flag.count == 15 && Self.flag.hasSuffix("-write-msr"))
        for arguments in [["hypercall-page", "install", Self.flag], [Self.flag], ["install", Self.flag + "=1"],
                          ["hypercall-page", "install", "--json", String(Self.flag.prefix(11))],
                          [String(Self.flag.prefix(5))], [String(Self.flag.prefix(3))]] {
            #expect(Binary.refusal(arguments) != nil, "\(arguments)")
        }
        for arguments in [["hypercall-page", "install"], ["hypercall-page", "install", "--msr", "0x40000000", "--no-call"],
                          ["--"], ["-y"], ["--help"], ["--source=dump:/tmp/--yes"], []] {
            #expect(Binary.refusal(arguments) == nil, "\(arguments)")
        }
    }

    /// Through a harmless executable: if the guard were gone, /bin/true would run, no issue would
    /// be recorded and withKnownIssue would fail the test (the real binary is never started here).
    @Test func runRecordsTheRefusalAndStartsNothing() throws {
        try withKnownIssue("Binary.run refuses the MSR-write flag") {
            _ = try Binary.run(["hypercall-page", "install", Self.flag], executable: URL(fileURLWithPath: "/bin/true"))
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("would allow writing the hypercall MSR") }
                || issue.error is Binary.Refused
        }
    }

    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    /// Every text file under Tests/ (fixtures are data, not code, but a shell line could hide in one too).
    static func sources() throws -> [(path: String, text: String)] {
        let files = FileManager.default.enumerator(at: tests, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL } ?? []
        return files.compactMap { url in
            guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8) else { return nil }
            return (String(url.path.dropFirst(tests.path.count + 1)), text)
        }
    }

    /// What makes a source a place the flag could reach a process from.
    static let processStarters = ["Process(", "Binary.run", "posix_spawn", "execv", "popen(", "/bin/sh", "setpriv"]

    /// The problems a source has: the flag (or an abbreviation) as a string-literal argument, or
    /// the flag anywhere in a file that starts processes.
    static func violations(_ text: String) -> [String] {
        var found: [String] = []
        // A string literal that is an abbreviation of the flag, or the flag with a value: an argv element.
        let literal = /"(--[a-z-]+)(=[^"]*)?"/
        for m in text.matches(of: literal) {
            let name = String(m.output.1)
            if name.count >= 3, flag.hasPrefix(name) { found.append("argument literal \"\(name)\"") }
        }
        if text.contains(flag), processStarters.contains(where: text.contains) {
            found.append("\(flag) in a file that starts processes")
        }
        return found
    }

    @Test func theScanFindsARowThatPassesTheFlag() {
        // What a bad-input row or a new helper would look like: the scan must catch each.
        let row = "Row(id: \"x\", what: \"y\", arguments: [\"hypercall-page\", \"install\", \"\(Self.flag)\"], error: nil, status: 0)"
        let shell = "let p = Process(); p.arguments = [\"-c\", \"xen-detect hypercall-page install \(Self.flag)\"]"
        let valued = "try Binary.run([\"hypercall-page\", \"install\", \"\(Self.flag)=true\"])"
        for text in [row, shell, valued] { #expect(!Self.violations(text).isEmpty, "\(text)") }
        // An expected refusal message in a test of the fake is not an argument.
        #expect(Self.violations("#expect(error.description.hasSuffix(\"pass \(Self.flag) to allow it\"))").isEmpty)
    }

    @Test func noTestSourcePassesTheFlag() throws {
        let sources = try Self.sources()
        // The scan really looked: the test sources, this file and the one runner are among them.
        #expect(sources.count > 50)
        #expect(sources.contains { $0.path == "xen-detectTests/Support.swift" && $0.text.contains("Binary") })
        #expect(sources.contains { $0.path == "xen-detectTests/BadInputTableTests.swift" })
        for (path, text) in sources {
            for problem in Self.violations(text) {
                Issue.record("Tests/\(path): \(problem): no test may let the binary write the hypercall MSR of this machine")
            }
        }
    }
}
