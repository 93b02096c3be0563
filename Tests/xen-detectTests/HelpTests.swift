import Foundation
import Testing

/// Help that reaches every subcommand, and the one deliberate difference from Xen's tool: a first
/// word that is not an option and not a subcommand is an error naming the closest subcommand.
@Suite struct HelpTests {
    static let subcommands = ["leaves", "report", "facts", "metrics", "hypercall", "hypercall-page", "extensions", "event-channel", "grant-table", "xenstore", "abi", "version"]

    @Test func helpListsEverySubcommandAndTheDropIn() throws {
        let r = try Binary.run(["help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("drop-in for Xen's own tool"))
        for name in Self.subcommands {
            #expect(r.stdout.contains("\n  \(name) "), "help lists \(name)")
        }
    }

    /// `help SUB [SUBSUB]` and `SUB [SUBSUB] --help` print the same help, exit 0.
    @Test(arguments: [["leaves"], ["report"], ["hypercall"], ["hypercall", "selftest"], ["hypercall", "xen_version"],
                      ["hypercall-page"], ["hypercall-page", "install"], ["abi"], ["abi", "translate"]])
    func helpOfASubcommand(words: [String]) throws {
        let viaHelp = try Binary.run(["help"] + words)
        let viaFlag = try Binary.run(words + ["--help"])
        #expect(viaHelp.status == 0 && viaFlag.status == 0)
        #expect(viaHelp.stdout.contains("USAGE: xen-detect \(words.joined(separator: " "))"))
        #expect(viaHelp.stdout == viaFlag.stdout)
        #expect(viaHelp.stderr.isEmpty)
    }

    @Test(arguments: [("reprot", "report"), ("leave", "leaves"), ("hypercal", "hypercall"),
                      ("hypercall_page", "hypercall-page"), ("ab", "abi"), ("hlep", "help")])
    func misspeltSubcommandNamesTheClosest(word: String, closest: String) throws {
        let r = try Binary.run([word])
        #expect(r.status == 64)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr == "xen-detect: unknown subcommand '\(word)' (did you mean '\(closest)'?)\n")
    }

    @Test func farFromAnySubcommandListsThem() throws {
        let r = try Binary.run(["zzzzzzzz", "-q"])
        #expect(r.status == 64)
        #expect(r.stderr == "xen-detect: unknown subcommand 'zzzzzzzz' (subcommands: \(Self.subcommands.joined(separator: ", ")); see 'xen-detect help')\n")
    }
}

/// Tables align whatever their content (a long header name used to push its row out of line).
@Suite struct TableAlignmentTests {
    @Test func abiListColumnsAlign() throws {
        let r = try Binary.run(["abi", "list"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("Structures") }),
              let end = lines.firstIndex(where: { $0.hasPrefix("Arrays") }) else {
            Issue.record("abi list has no structure section"); return
        }
        let rows = lines[(start + 1)..<end]
        #expect(rows.count > 100)
        // The size column (NN/NN or -/NN) starts at the same offset on every row.
        let offsets = Set(rows.compactMap { row in row.range(of: #"  [0-9-]+/[0-9-]+  "#, options: .regularExpression).map { row.distance(from: row.startIndex, to: $0.lowerBound) } })
        #expect(offsets.count == 1, "size column offsets: \(offsets.sorted())")
        #expect(!rows.contains { $0.hasSuffix(" ") })
    }
}

/// Numbers read the same way in every command: decimal, or hex after 0x; MSR numbers are hex with
/// or without 0x (as the SDM writes them).
@Suite struct NumberArgumentTests {
    @Test func sentinelTakesDecimalAndHex() throws {
        let decimal = try Binary.run(["abi", "plan", "--abi", "64", "--sentinel", "165", "--list"])
        let hex = try Binary.run(["abi", "plan", "--abi", "64", "--sentinel", "0xa5", "--list"])
        #expect(decimal.status == 0 && hex.status == 0)
        #expect(decimal.stdout == hex.stdout)
        for bad in ["0x", "0x1ff", "256", "+5", "0x-1", "a5"] {
            let r = try Binary.run(["abi", "plan", "--abi", "64", "--sentinel", bad, "--list"])
            #expect(r.status == 64, "--sentinel \(bad)")
        }
    }

    /// Both spellings of the MSR parse (the command then stops at detection: no Xen here, 69, or
    /// refuses without consent, 78); a non-hex one is a usage error. Nothing is written either way.
    @Test func msrIsHexWithOrWithoutPrefix() throws {
        let bare = try Binary.run(["hypercall-page", "install", "--msr", "40000000"])
        let prefixed = try Binary.run(["hypercall-page", "install", "--msr", "0x40000000"])
        #expect(bare.status != 64 && bare.status == prefixed.status && bare.stderr == prefixed.stderr)
        #expect(try Binary.run(["hypercall-page", "install", "--msr", "4000000g"]).status == 64)
        #expect(try Binary.run(["hypercall-page", "install", "--msr", "1ffffffff"]).status == 64)
    }
}

/// The version, from Version.swift (the one place; scripts/api.sh checks CHANGELOG.md against it).
@Suite struct VersionTests {
    @Test func versionLineAndJSON() throws {
        let line = try Binary.run(["version"])
        #expect(line.status == 0)
        #expect(line.stdout.range(of: #"^xen-detect [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{7,}(-modified)?|unknown), Swift [0-9.]+( or later)?\)\n$"#,
                                 options: .regularExpression) != nil, "\(line.stdout)")
        #expect(try Binary.run(["--version"]).stdout == line.stdout)
        let json = try Binary.run(["version", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let version = try #require(object["version"] as? String)
        #expect(line.stdout.hasPrefix("xen-detect \(version) "))
        #expect(object.keys.sorted() == ["commit", "swift", "version"])
        // The CHANGELOG's top section names the same version.
        let changelog = try String(contentsOfFile: "CHANGELOG.md", encoding: .utf8)
        #expect(changelog.contains("## [\(version)]"))
    }
}

/// `-q --json` has one meaning: the JSON document, no line, the same status.
@Suite struct QuietJSONTests {
    @Test(arguments: [[String](), ["-N"], ["-P"], ["-H"]])
    func quietSilencesTheLineNotTheDocument(flags: [String]) throws {
        let json = try Binary.run(flags + ["--json"])
        let quiet = try Binary.run(flags + ["-q", "--json"])
        let quietFirst = try Binary.run(["--quiet"] + flags + ["--json"])
        #expect(quiet.stdout == json.stdout && quietFirst.stdout == json.stdout)
        #expect(quiet.status == json.status && quietFirst.status == json.status)
        #expect(json.stdout.hasPrefix("{") && !json.stdout.contains("Running in") && !json.stdout.contains("Not running on Xen."))
        #expect(try Binary.run(flags + ["-q"]).stdout.isEmpty)
    }
}
