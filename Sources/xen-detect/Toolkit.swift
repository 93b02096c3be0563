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
        subcommands: [
            // Registered subcommands; each file adds one line here.
            LeavesCommand.self,
            ReportCommand.self,
            HypercallCommand.self,
            HypercallPageCommand.self,
            ABICommand.self,
        ]
    )

    /// Names that route the command line to this parser instead of the drop-in.
    static var subcommandNames: Set<String> {
        Set(configuration.subcommands.map { $0._commandName })
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
