import ArgumentParser
import XenSystem
#if canImport(Glibc)
import Glibc
#endif

/// The subcommands beyond the drop-in: each lives in its own file.
struct Toolkit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xen-detect",
        abstract: "Detect Xen and other hypervisors, and poke Xen's guest interface.",
        discussion: """
            Without a subcommand, xen-detect is the drop-in for Xen's own tool \
            (tools/misc/xen-detect.c): the same options (-h, -q, -P, -H, -N), lines and exit \
            statuses; `xen-detect -h` prints Xen's usage. The subcommands below go further. \
            `xen-detect help <subcommand> [<subcommand>]` or `xen-detect <subcommand> --help` \
            shows a command's help.
            """,
        subcommands: [
            // Registered subcommands; each file adds one line here.
            LeavesCommand.self,
            ReportCommand.self,
            FactsCommand.self,
            MetricsCommand.self,
            HypercallCommand.self,
            HypercallPageCommand.self,
            ExtensionsCommand.self,
            EventChannelCommand.self,
            GrantTableCommand.self,
            XenStoreCommand.self,
            ABICommand.self,
            VersionCommand.self,
        ]
    )

    /// The subcommands' names, in the order `help` lists them.
    static var subcommandNames: [String] { configuration.subcommands.map { $0._commandName } }

    /// First words that route the command line to this parser instead of the drop-in:
    /// the subcommands and ArgumentParser's `help`.
    static var routedWords: Set<String> { Set(subcommandNames + ["help"]) }

    /// ArgumentParser's own options that generate text from the definitions (completion scripts,
    /// the completions' callback, the help dump the manual generator reads): routed past the
    /// drop-in, which would otherwise print Xen's usage for them. An array, not a set: the early
    /// entry looks here before the runtime has seeded hashing.
    static let generatorOptions = ["--generate-completion-script", "---completion", "--experimental-dump-help"]

    /// A first word that is neither an option nor a subcommand: one line naming the closest
    /// subcommand, status 64. (Xen's xen-detect ignores operands; running detection for a
    /// misspelt subcommand would answer a question nobody asked.)
    static func unknownSubcommand(_ word: String) -> Never {
        let candidates = subcommandNames + ["help"]
        let closest = candidates.min { editDistance(word, $0) < editDistance(word, $1) }
        var message = "unknown subcommand '\(word)'"
        if let closest, editDistance(word, closest) <= max(2, closest.count / 3) {
            message += " (did you mean '\(closest)'?)"
        } else {
            message += " (subcommands: \(subcommandNames.joined(separator: ", ")); see 'xen-detect help')"
        }
        printError(message)
        Glibc.exit(ExitStatus.usage.rawValue)
    }

    /// Levenshtein distance between two words (insertions, deletions, substitutions).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let substitution = previous + (a[i - 1] == b[j - 1] ? 0 : 1)
                previous = row[j]
                row[j] = min(substitution, row[j] + 1, row[j - 1] + 1)
            }
        }
        return row[b.count]
    }

    /// Parses and runs a subcommand; every failure is one line on stderr and a distinct status.
    static func runSubcommand(_ arguments: [String]) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Glibc.exit(ExitStatus.success.rawValue)
        } catch let error as CleanExit {
            // --help and friends: ArgumentParser's own text on stdout.
            print(fullMessage(for: error))
            Glibc.exit(ExitStatus.success.rawValue)
        } catch let error as ExitCode {
            Glibc.exit(error.rawValue)
        } catch {
            if error is any ClassifiedError { fail(error) }
            let message = fullMessage(for: error)
            if exitCode(for: error) == .success {
                // Help requested below the root (`leaves --help`): ArgumentParser's text on stdout.
                if !message.isEmpty { print(message) }
                Glibc.exit(ExitStatus.success.rawValue)
            }
            // ArgumentParser's errors span several lines (usage after the error); keep the first.
            let first = message.split(separator: "\n").first.map(String.init) ?? message
            printError(first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first)
            Glibc.exit(ExitStatus.usage.rawValue)
        }
    }
}
