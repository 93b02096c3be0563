import Foundation
import Testing

/// Help that reaches every subcommand, and the one deliberate difference from Xen's tool: a first
/// word that is not an option and not a subcommand is an error naming the closest subcommand.
@Suite struct HelpTests {
    static let subcommands = ["leaves", "report", "hypercall", "hypercall-page", "abi"]

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
